import { parseAllDocuments } from 'yaml';
import { mcpServerEntrySchema, virtualMcpServerSchema, type MCPServerEntry, type VirtualMCPServer } from '../../contract/toolhive.js';
import { isPodLike, type KubeObject } from './workload.js';

// YAML files -> the objects `inject` and the golden tests work on. Parsing only: reading files is the caller's.

export interface LoadedObjects {
  podLikes: KubeObject[];
  vmcps: VirtualMCPServer[];
  entries: MCPServerEntry[];
}

export function parseYamlObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [i, doc] of parseAllDocuments(text).entries()) {
    if (doc.errors.length > 0) {
      throw new Error(`${source}: YAML document ${i + 1}: ${doc.errors[0]!.message}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new Error(`${source}: YAML document ${i + 1} is not a Kubernetes object (expected a mapping with kind)`);
    }
    const object = value as KubeObject;
    if (object.kind === 'List' && Array.isArray(object.items)) objects.push(...(object.items as KubeObject[]));
    else objects.push(object);
  }
  return objects;
}

/** Sort objects by what they are; CRs are checked against the contract schemas, namespace defaulted. */
export function classify(objects: readonly KubeObject[], defaultNamespace: string, source: string): LoadedObjects {
  const loaded: LoadedObjects = { podLikes: [], vmcps: [], entries: [] };
  for (const object of objects) {
    const withNs = { ...object, metadata: { ...object.metadata, namespace: object.metadata?.namespace || defaultNamespace } };
    if (object.kind === 'VirtualMCPServer') loaded.vmcps.push(parseAs(virtualMcpServerSchema, withNs, source));
    else if (object.kind === 'MCPServerEntry') loaded.entries.push(parseAs(mcpServerEntrySchema, withNs, source));
    else if (isPodLike(object)) loaded.podLikes.push(object);
  }
  return loaded;
}

function parseAs<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  object: KubeObject,
  source: string,
): T {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(
    `${source}: ${object.kind} "${object.metadata?.name ?? ''}": ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'is invalid'}`,
  );
}
