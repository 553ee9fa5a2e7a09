import { stringify } from 'yaml';
import type { MCPServerEntry, VirtualMCPServer } from '../../../contract/toolhive.js';

// The static vMCP config a VirtualMCPServer and its group's MCPServerEntries stand for, in the shape
// ToolHive's operator renders (pkg/vmcp/config): one `type: entry` backend per entry, named after it.
// headerForward is deliberately absent: vMCP reads its own forwarding from TOOLHIVE_HEADER_FORWARD_* env,
// which our injector never sets; the sidecar adds the headers.

export interface StaticBackend {
  name: string;
  url: string;
  transport: 'sse' | 'streamable-http';
  type: 'entry';
}

export interface VmcpStaticConfig {
  name: string;
  groupRef: string;
  incomingAuth: { type: 'anonymous' };
  outgoingAuth: { source: 'inline'; default: { type: 'unauthenticated' } };
  aggregation: { conflictResolution: 'prefix'; conflictResolutionConfig: { prefixFormat: string } };
  backends: StaticBackend[];
}

/** Tools appear to clients as `<backend>_<tool>`, so two backends' `echo` never collide. */
export const PREFIX_FORMAT = '{workload}_';

function backendOf(entry: MCPServerEntry, index: number): StaticBackend {
  const where = `entries[${index}] (MCPServerEntry "${entry.metadata.name ?? ''}")`;
  const { remoteUrl, transport } = entry.spec;
  if (entry.metadata.name === undefined || entry.metadata.name === '') throw new Error(`${where}.metadata.name: required`);
  if (remoteUrl === undefined || !/^https?:\/\//.test(remoteUrl))
    throw new Error(`${where}.spec.remoteUrl: must be an http(s) URL, got ${JSON.stringify(remoteUrl)}`);
  if (transport !== 'sse' && transport !== 'streamable-http')
    throw new Error(`${where}.spec.transport: must be "sse" or "streamable-http", got ${JSON.stringify(transport)}`);
  return { name: entry.metadata.name, url: remoteUrl, transport, type: 'entry' };
}

/** Entries of the vMCP's namespace and group become its backends, sorted by name. */
export function vmcpStaticConfig(vmcp: VirtualMCPServer, entries: readonly MCPServerEntry[]): VmcpStaticConfig {
  const group = vmcp.spec.groupRef?.name;
  if (group === undefined || group === '')
    throw new Error(`VirtualMCPServer "${vmcp.metadata.name ?? ''}" spec.groupRef.name: required to select its backends`);
  const namespace = vmcp.metadata.namespace;
  const members = entries
    .filter((e) => e.spec.groupRef?.name === group && (namespace === undefined || e.metadata.namespace === namespace))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  if (members.length === 0) throw new Error(`no MCPServerEntry in group "${group}" for VirtualMCPServer "${vmcp.metadata.name ?? ''}"`);
  return {
    name: vmcp.metadata.name ?? group,
    groupRef: group,
    incomingAuth: { type: 'anonymous' },
    outgoingAuth: { source: 'inline', default: { type: 'unauthenticated' } },
    aggregation: { conflictResolution: 'prefix', conflictResolutionConfig: { prefixFormat: PREFIX_FORMAT } },
    backends: members.map(backendOf),
  };
}

export function vmcpConfigYaml(config: VmcpStaticConfig): string {
  return stringify(config);
}

/** The name a backend's tool has at the gateway. */
export function gatewayToolName(backend: string, tool: string): string {
  return PREFIX_FORMAT.replace('{workload}', backend) + tool;
}
