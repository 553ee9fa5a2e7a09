import type { V1Pod } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation } from 'fast-json-patch';

// Edit a clone, then diff (Pepr): the patch is fast-json-patch `compare(original, desired)`. compare
// matches arrays by index, so inserting the sidecar before an existing initContainer would come out as
// "rewrite initContainers[0] into the sidecar, re-add the old one at [1]" — correct, but unreadable and
// unreviewable. So new named items are inserted first, at their final index, and compare does the rest.

const NAMED_LISTS = ['initContainers', 'containers', 'volumes'] as const;

interface Named {
  name: string;
}

export function patchFor<T extends object = V1Pod>(original: T, desired: T, specPointer = '/spec'): Operation[] {
  const staged = structuredClone(original);
  const inserts: Operation[] = [];
  for (const list of NAMED_LISTS) {
    const have = listAt(staged, specPointer, list);
    const want = listAt(desired, specPointer, list);
    if (have === undefined || want === undefined) continue;
    const known = new Set(have.map((item) => item.name));
    for (const [index, item] of want.entries()) {
      if (known.has(item.name) || index > have.length) continue;
      have.splice(index, 0, structuredClone(item));
      inserts.push({ op: 'add', path: `${specPointer}/${list}/${index}`, value: item });
    }
  }
  return [...inserts, ...fastJsonPatch.compare(staged, desired)];
}

function listAt(root: object, specPointer: string, list: string): Named[] | undefined {
  let node: unknown = root;
  for (const key of specPointer.split('/').slice(1)) {
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  const value = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[list] : undefined;
  return Array.isArray(value) ? (value as Named[]) : undefined;
}
