import { hasHeaderForward, type MCPServerEntry, type VirtualMCPServer } from '../../contract/toolhive.js';

/** The MCPGroup a VirtualMCPServer aggregates (`spec.groupRef.name`, same shape in v1alpha1 and v1beta1). */
export function groupOf(vmcp: VirtualMCPServer): string | undefined {
  const name = vmcp.spec.groupRef?.name;
  return name === undefined || name === '' ? undefined : name;
}

/** Per frozen list (the informer's, replaced on every change) and vMCP object: the selection, frozen too. */
const selections = new WeakMap<readonly MCPServerEntry[], WeakMap<VirtualMCPServer, readonly MCPServerEntry[]>>();

/**
 * The entries whose headers this vMCP must send: same namespace, same group, with headerForward, not being
 * deleted. Sorted by name so every caller sees one order whatever order the cache returned. From the informer's
 * frozen list the answer is kept until the list changes: the drift pass plans every vMCP pod, and filtering and
 * sorting a namespace of thousands of entries per pod was most of its cost.
 */
export function forwardingEntriesFor(vmcp: VirtualMCPServer, entries: readonly MCPServerEntry[]): readonly MCPServerEntry[] {
  if (!Object.isFrozen(entries)) return select(vmcp, entries);
  let byVmcp = selections.get(entries);
  if (byVmcp === undefined) selections.set(entries, (byVmcp = new WeakMap()));
  let selected = byVmcp.get(vmcp);
  if (selected === undefined) byVmcp.set(vmcp, (selected = Object.freeze(select(vmcp, entries))));
  return selected;
}

function select(vmcp: VirtualMCPServer, entries: readonly MCPServerEntry[]): MCPServerEntry[] {
  const group = groupOf(vmcp);
  if (group === undefined) return [];
  const namespace = vmcp.metadata.namespace;
  return entries
    .filter(
      (e) =>
        (namespace === undefined || e.metadata.namespace === undefined || e.metadata.namespace === namespace) &&
        e.spec.groupRef?.name === group &&
        e.metadata.deletionTimestamp === undefined &&
        hasHeaderForward(e),
    )
    .sort(byName);
}

function byName(a: MCPServerEntry, b: MCPServerEntry): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
