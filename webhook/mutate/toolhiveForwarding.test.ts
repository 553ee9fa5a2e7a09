import type { V1Container } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { sealedPlaceholder } from '../../contract/sealing.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { detectNativeForwarding, sealVmcpEnv } from './toolhiveForwarding.js';

const SECRET_ENV = 'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB';

function entry(name: string, secretHeaders: string[] = []): MCPServerEntry {
  return {
    apiVersion: 'toolhive.stacklok.dev/v1beta1',
    kind: 'MCPServerEntry',
    metadata: { name, namespace: 'tools' },
    spec: {
      headerForward: { addHeadersFromSecret: secretHeaders.map((headerName) => ({ headerName, valueSecretRef: { name: 's', key: 'k' } })) },
    },
  };
}

const vmcp = (env: V1Container['env']): V1Container => ({ name: 'vmcp', env });
const manifest = JSON.stringify({
  addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos' },
  addHeadersFromSecret: { Authorization: 'HEADER_FORWARD_AUTHORIZATION_GITHUB' },
});

describe('detectNativeForwarding (read from the vmcp container, never from a version)', () => {
  it("knows an entry vMCP forwards from the operator's manifest env var, with its header names", () => {
    const native = detectNativeForwarding(vmcp([{ name: 'TOOLHIVE_HEADER_FORWARD_GITHUB', value: manifest }]));
    expect([...native.entry(entry('github'))!.headers]).toEqual(['x-mcp-toolsets', 'authorization']);
    expect(native.entry(entry('other'))).toBeUndefined();
  });

  it('treats an older pod (no operator env) as not forwarded: the sidecar keeps adding every header', () => {
    const native = detectNativeForwarding(vmcp([{ name: 'VMCP_NAME', value: 'gateway' }]));
    expect(native.entry(entry('github', ['Authorization']))).toBeUndefined();
    expect(native.secretEnv.size).toBe(0);
  });

  it('counts a secret env var the operator wrote (secretKeyRef) or we sealed (our placeholder), nothing else', () => {
    const native = detectNativeForwarding(
      vmcp([
        { name: SECRET_ENV, valueFrom: { secretKeyRef: { name: 'github-token', key: 'header' } } },
        { name: 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_SEALED', value: sealedPlaceholder('TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_SEALED') },
        { name: 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_LITERAL', value: 'typed-in-value' },
        { name: 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_WRONG', value: sealedPlaceholder('TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_OTHER') },
      ]),
    );
    expect([...native.secretEnv.keys()]).toEqual([SECRET_ENV, 'TOOLHIVE_SECRET_HEADER_FORWARD_X_KEY_SEALED']);
    // No manifest, but vMCP holds the entry's Secret: forwarded (that header).
    expect([...native.entry(entry('github', ['Authorization']))!.headers]).toEqual(['authorization']);
  });

  it('skips a malformed manifest as vMCP does (forwarded, with no header from it)', () => {
    const native = detectNativeForwarding(vmcp([{ name: 'TOOLHIVE_HEADER_FORWARD_GITHUB', value: '{not json' }]));
    expect([...native.entry(entry('github'))!.headers]).toEqual([]);
  });

  it('reads the last definition of a repeated env var, as the kubelet does', () => {
    const native = detectNativeForwarding(
      vmcp([
        { name: 'TOOLHIVE_HEADER_FORWARD_GITHUB', value: '{}' },
        { name: 'TOOLHIVE_HEADER_FORWARD_GITHUB', value: manifest },
      ]),
    );
    expect(native.entry(entry('github'))!.headers.has('authorization')).toBe(true);
  });
});

describe('sealVmcpEnv', () => {
  it('replaces only the named env vars, in place, with their placeholder literal', () => {
    const before = vmcp([
      { name: 'A', value: '1' },
      { name: SECRET_ENV, valueFrom: { secretKeyRef: { name: 'github-token', key: 'header' } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } },
    ]);
    expect(sealVmcpEnv(before, new Set([SECRET_ENV])).env).toEqual([
      { name: 'A', value: '1' },
      { name: SECRET_ENV, value: sealedPlaceholder(SECRET_ENV) },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } },
    ]);
    expect(sealVmcpEnv(before, new Set())).toBe(before);
  });
});
