import { describe, expect, it } from 'vitest';
import type { MCPServerEntry, VirtualMCPServer } from '../../../contract/toolhive.js';
import { loopbackListen, withFlagValue } from './gateway.js';
import { fillPlaceholders } from './scenario.js';
import { gatewayToolName, vmcpStaticConfig } from './vmcpConfig.js';

const vmcp: VirtualMCPServer = {
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  kind: 'VirtualMCPServer',
  metadata: { name: 'gw', namespace: 'ns' },
  spec: { groupRef: { name: 'g' } },
};
const entry = (name: string, group: string, transport = 'streamable-http'): MCPServerEntry => ({
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  kind: 'MCPServerEntry',
  metadata: { name, namespace: 'ns' },
  spec: {
    remoteUrl: `https://${name}.example/mcp`,
    transport,
    groupRef: { name: group },
    headerForward: { addPlaintextHeaders: { 'X-A': 'b' } },
  },
});

describe('vmcpStaticConfig', () => {
  it('makes one entry backend per MCPServerEntry of the group, sorted, without headerForward', () => {
    const config = vmcpStaticConfig(vmcp, [entry('zeta', 'g', 'sse'), entry('other', 'h'), entry('alpha', 'g')]);
    expect(config.backends).toEqual([
      { name: 'alpha', url: 'https://alpha.example/mcp', transport: 'streamable-http', type: 'entry' },
      { name: 'zeta', url: 'https://zeta.example/mcp', transport: 'sse', type: 'entry' },
    ]);
    expect(config).toMatchObject({ name: 'gw', groupRef: 'g', outgoingAuth: { source: 'inline' } });
  });

  it('names the field of an entry vMCP would reject', () => {
    expect(() => vmcpStaticConfig(vmcp, [entry('bad', 'g', 'stdio')])).toThrow(
      'entries[0] (MCPServerEntry "bad").spec.transport: must be "sse" or "streamable-http", got "stdio"',
    );
  });

  it('prefixes tools with the backend name, as vMCP does', () => {
    expect(gatewayToolName('alpha', 'echo')).toBe('alpha_echo');
  });
});

describe('fixture and process helpers', () => {
  it('fills whole-string placeholders and refuses unknown ones', () => {
    expect(fillPlaceholders({ a: ['$X', 'keep $X'] }, { X: '1' })).toEqual({ a: ['1', 'keep $X'] });
    expect(() => fillPlaceholders({ spec: { url: '$MISSING' } }, {})).toThrow('spec.url: no value for placeholder $MISSING');
  });

  it('binds listeners to loopback and replaces flag values', () => {
    expect(loopbackListen('0.0.0.0:15090')).toBe('127.0.0.1:15090');
    expect(loopbackListen('127.0.0.1:15080')).toBe('127.0.0.1:15080');
    expect(withFlagValue(['serve', '--port', '4483'], '--port', () => '9')).toEqual(['serve', '--port', '9']);
    expect(() => withFlagValue(['serve'], '--host', () => 'x')).toThrow('expected --host <value>');
  });
});
