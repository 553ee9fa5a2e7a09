import type { V1Pod } from '@kubernetes/client-node';
import type { Operation } from 'fast-json-patch';

// Edit a clone, then diff (Pepr): the patch is fast-json-patch's `compare(original, desired)` algorithm. compare
// matches arrays by index, so inserting the sidecar before an existing initContainer would come out as
// "rewrite initContainers[0] into the sidecar, re-add the old one at [1]" — correct, but unreadable and
// unreviewable. So new named items are inserted first, at their final index, and the diff does the rest.
// Operation values share structure with `desired` (fast-json-patch deep-cloned each one through JSON, the
// largest single cost of a review): treat both as read-only once diffed.

const NAMED_LISTS = ['initContainers', 'containers', 'volumes'] as const;

interface Named {
  name: string;
}

type Json = Record<string, unknown>;

export function patchFor<T extends object = V1Pod>(original: T, desired: T, specPointer = '/spec'): Operation[] {
  // Only the spec and its named lists are edited below: copy those, share the rest with `original`.
  const { staged, spec: stagedSpec } = copyPath(original as Json, specPointer);
  const desiredSpec = at(desired as Json, specPointer);
  const inserts: Operation[] = [];
  for (const list of NAMED_LISTS) {
    const have = listOf(stagedSpec, list);
    const want = listOf(desiredSpec, list);
    if (have === undefined || want === undefined) continue;
    const staging = [...have];
    stagedSpec![list] = staging;
    const known = new Set(have.map((item) => item.name));
    for (const [index, item] of want.entries()) {
      if (known.has(item.name) || index > staging.length) continue;
      staging.splice(index, 0, item);
      inserts.push({ op: 'add', path: `${specPointer}/${list}/${index}`, value: item });
    }
  }
  return [...inserts, ...compareJson(staged, desired)];
}

/** The operations fast-json-patch's `compare(mirror, desired)` gives, same order, values shared with `desired`. */
export function compareJson(mirror: object, desired: object): Operation[] {
  const operations: Operation[] = [];
  diff(mirror as Json, desired as Json, operations, '');
  return operations;
}

/** `root` with fresh objects along `pointer` (the one at the pointer may be edited), the rest shared; no spec: nothing to edit. */
function copyPath(root: Json, pointer: string): { staged: Json; spec: Json | undefined } {
  const staged = { ...root };
  let node = staged;
  for (const key of pointer.split('/').slice(1)) {
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) return { staged, spec: undefined };
    node = node[key] = { ...(child as Json) };
  }
  return { staged, spec: node };
}

function at(root: Json, pointer: string): Json | undefined {
  let node: unknown = root;
  for (const key of pointer.split('/').slice(1)) node = node !== null && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node !== null && typeof node === 'object' ? (node as Json) : undefined;
}

function listOf(spec: Json | undefined, list: string): Named[] | undefined {
  const value = spec?.[list];
  return Array.isArray(value) ? (value as Named[]) : undefined;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function keysOf(value: object): string[] {
  return Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => String(i)) : Object.keys(value);
}

function escapePathComponent(key: string): string {
  return key.includes('/') || key.includes('~') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}

/** What fast-json-patch's JSON clone turned `undefined` (an array hole) into. */
function operationValue(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * fast-json-patch 3.1 `_generate` (non-invertible), step for step: the same operations in the same order —
 * removals and replacements walking the old keys backwards, then additions in the new object's key order.
 */
function diff(mirror: Json, object: Json, operations: Operation[], path: string): void {
  if (object === mirror) return;
  const obj = typeof object.toJSON === 'function' ? (object.toJSON as () => Json)() : object;
  const newKeys = keysOf(obj);
  const oldKeys = keysOf(mirror);
  let deleted = false;
  for (let t = oldKeys.length - 1; t >= 0; t--) {
    const key = oldKeys[t]!;
    const oldVal = mirror[key];
    if (hasOwn(obj, key) && !(obj[key] === undefined && oldVal !== undefined && !Array.isArray(obj))) {
      const newVal = obj[key];
      if (
        typeof oldVal === 'object' &&
        oldVal !== null &&
        typeof newVal === 'object' &&
        newVal !== null &&
        Array.isArray(oldVal) === Array.isArray(newVal)
      ) {
        diff(oldVal as Json, newVal as Json, operations, `${path}/${escapePathComponent(key)}`);
      } else if (oldVal !== newVal) {
        operations.push({ op: 'replace', path: `${path}/${escapePathComponent(key)}`, value: operationValue(newVal) });
      }
    } else if (Array.isArray(mirror) === Array.isArray(obj)) {
      operations.push({ op: 'remove', path: `${path}/${escapePathComponent(key)}` });
      deleted = true;
    } else {
      operations.push({ op: 'replace', path, value: obj });
    }
  }
  if (!deleted && newKeys.length === oldKeys.length) return;
  for (const key of newKeys) {
    if (!hasOwn(mirror, key) && obj[key] !== undefined)
      operations.push({ op: 'add', path: `${path}/${escapePathComponent(key)}`, value: obj[key] });
  }
}
