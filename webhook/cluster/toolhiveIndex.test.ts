import { describe, expect, it } from 'vitest';
import { ToolhiveIndex } from './toolhiveIndex.js';

const vmcp = (name: string, namespace = 'tools', group = 'g') => ({
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  kind: 'VirtualMCPServer',
  metadata: { name, namespace },
  spec: { groupRef: { name: group } },
});
const entry = (name: string, namespace = 'tools', apiVersion = 'toolhive.stacklok.dev/v1beta1') => ({
  apiVersion,
  kind: 'MCPServerEntry',
  metadata: { name, namespace },
  spec: { remoteUrl: 'https://x.example/mcp', groupRef: { name: 'g' }, headerForward: { addPlaintextHeaders: { 'X-A': '1' } } },
});

describe('ToolhiveIndex', () => {
  it('answers by namespace and name, entries in name order', () => {
    const index = new ToolhiveIndex();
    index.upsertVmcp(vmcp('gw'));
    for (const name of ['c', 'a', 'b']) index.upsertEntry(entry(name));
    index.upsertEntry(entry('z', 'other'));
    expect(index.vmcp('tools', 'gw')?.spec.groupRef?.name).toBe('g');
    expect(index.vmcp('other', 'gw')).toBeUndefined();
    expect(index.entries('tools').map((e) => e.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(index.entries('nowhere')).toEqual([]);
  });

  it('hands out one list per namespace until an entry there changes (the rules memoize by it)', () => {
    const index = new ToolhiveIndex();
    for (const name of ['b', 'a']) index.upsertEntry(entry(name));
    const first = index.entries('tools');
    expect(index.entries('tools')).toBe(first);
    index.upsertEntry(entry('z', 'other'));
    expect(index.entries('tools')).toBe(first);
    index.upsertEntry(entry('c'));
    expect(index.entries('tools').map((e) => e.metadata.name)).toEqual(['a', 'b', 'c']);
    const second = index.entries('tools');
    index.deleteEntry(entry('a'));
    expect(index.entries('tools')).not.toBe(second);
    expect(index.entries('tools').map((e) => e.metadata.name)).toEqual(['b', 'c']);
    expect(first.map((e) => e.metadata.name)).toEqual(['a', 'b']);
  });

  it('replaces on update and forgets on delete', () => {
    const index = new ToolhiveIndex();
    index.upsertVmcp(vmcp('gw', 'tools', 'old'));
    index.upsertVmcp(vmcp('gw', 'tools', 'new'));
    expect(index.vmcp('tools', 'gw')?.spec.groupRef?.name).toBe('new');
    index.upsertEntry(entry('a'));
    index.deleteEntry(entry('a'));
    index.deleteVmcp(vmcp('gw'));
    expect(index.size()).toEqual({ vmcps: 0, entries: 0 });
  });

  it('keeps v1alpha1 objects too (same shape)', () => {
    const index = new ToolhiveIndex();
    expect(index.upsertEntry(entry('a', 'tools', 'toolhive.stacklok.dev/v1alpha1')).ok).toBe(true);
    expect(index.entries('tools')).toHaveLength(1);
  });

  it('reports and drops an object the contract cannot read, removing a stale copy', () => {
    const index = new ToolhiveIndex();
    index.upsertEntry(entry('a'));
    const result = index.upsertEntry({ ...entry('a'), spec: { headerForward: { addHeadersFromSecret: 'oops' } } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/^MCPServerEntry tools\/a: spec\.headerForward\.addHeadersFromSecret: /);
    expect(index.entries('tools')).toEqual([]);
  });
});
