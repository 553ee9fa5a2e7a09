import { mcpServerEntrySchema, virtualMcpServerSchema, type MCPServerEntry, type VirtualMCPServer } from '../../contract/toolhive.js';

// A plain in-memory index of VirtualMCPServers and MCPServerEntries by namespace, fed by the informers'
// add/update/delete events: the injector answers from it without an API call per pod.

export interface ToolhiveLookup {
  vmcp(namespace: string, name: string): VirtualMCPServer | undefined;
  /** Entries of one namespace (all groups), in name order. */
  entries(namespace: string): readonly MCPServerEntry[];
}

interface NamespaceObjects {
  vmcps: Map<string, VirtualMCPServer>;
  entries: Map<string, MCPServerEntry>;
  /**
   * `entries` in name order, built on first read after a change: every /validate review reads its namespace's
   * list, and the same array lets the rules memoize what they derive from it (siblingEnvNames.ts).
   */
  sortedEntries?: readonly MCPServerEntry[];
}

export type Parsed<T> = { ok: true; object: T } | { ok: false; problem: string };

export class ToolhiveIndex implements ToolhiveLookup {
  private readonly namespaces = new Map<string, NamespaceObjects>();

  vmcp(namespace: string, name: string): VirtualMCPServer | undefined {
    return this.namespaces.get(namespace)?.vmcps.get(name);
  }

  entries(namespace: string): readonly MCPServerEntry[] {
    const bucket = this.namespaces.get(namespace);
    if (bucket === undefined) return [];
    bucket.sortedEntries ??= Object.freeze([...bucket.entries.keys()].sort().map((name) => bucket.entries.get(name)!));
    return bucket.sortedEntries;
  }

  /** Every entry, all namespaces, in namespace then name order. */
  allEntries(): MCPServerEntry[] {
    return [...this.namespaces.keys()].sort().flatMap((namespace) => [...this.entries(namespace)]);
  }

  /** Counts for logs and the readiness message. */
  size(): { vmcps: number; entries: number } {
    let vmcps = 0;
    let entries = 0;
    for (const ns of this.namespaces.values()) {
      vmcps += ns.vmcps.size;
      entries += ns.entries.size;
    }
    return { vmcps, entries };
  }

  /** Add or replace; an object the contract schema cannot read is reported and dropped, never half-indexed. */
  upsertVmcp(raw: unknown): Parsed<VirtualMCPServer> {
    const parsed = parse(virtualMcpServerSchema, raw, 'VirtualMCPServer');
    if (parsed.ok) this.bucket(parsed.object.metadata.namespace).vmcps.set(parsed.object.metadata.name ?? '', parsed.object);
    else this.remove('vmcps', raw);
    return parsed;
  }

  upsertEntry(raw: unknown): Parsed<MCPServerEntry> {
    const parsed = parse(mcpServerEntrySchema, raw, 'MCPServerEntry');
    if (parsed.ok) {
      const bucket = this.bucket(parsed.object.metadata.namespace);
      bucket.entries.set(parsed.object.metadata.name ?? '', parsed.object);
      bucket.sortedEntries = undefined;
    } else this.remove('entries', raw);
    return parsed;
  }

  deleteVmcp(raw: unknown): void {
    this.remove('vmcps', raw);
  }

  deleteEntry(raw: unknown): void {
    this.remove('entries', raw);
  }

  private bucket(namespace: string | undefined): NamespaceObjects {
    const key = namespace ?? '';
    let bucket = this.namespaces.get(key);
    if (bucket === undefined) {
      bucket = { vmcps: new Map(), entries: new Map() };
      this.namespaces.set(key, bucket);
    }
    return bucket;
  }

  private remove(kind: 'vmcps' | 'entries', raw: unknown): void {
    const { namespace, name } = nameOf(raw);
    const bucket = this.namespaces.get(namespace);
    if (bucket === undefined) return;
    bucket[kind].delete(name);
    if (kind === 'entries') bucket.sortedEntries = undefined;
    if (bucket.vmcps.size === 0 && bucket.entries.size === 0) this.namespaces.delete(namespace);
  }
}

function nameOf(raw: unknown): { namespace: string; name: string } {
  const metadata = (raw as { metadata?: { namespace?: unknown; name?: unknown } } | undefined)?.metadata;
  return {
    namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : '',
    name: typeof metadata?.name === 'string' ? metadata.name : '',
  };
}

function parse<T>(
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  raw: unknown,
  kind: string,
): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, object: result.data };
  const { namespace, name } = nameOf(raw);
  const issue = result.error.issues[0];
  return {
    ok: false,
    problem: `${kind} ${namespace}/${name}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'unreadable'}`,
  };
}
