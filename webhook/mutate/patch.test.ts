import type { V1Pod } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { compareJson, patchFor } from './patch.js';

// compareJson replaces fast-json-patch's compare on the hot path: it must give the very same operations.

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ['name', 'env', 'a/b', 'c~d', '0', '10', '2', 'value', 'spec', 'x'];

function tree(rand: () => number, depth: number): unknown {
  const pick = rand();
  if (depth === 0 || pick < 0.3) return [null, true, 1.5, 'text', 'other', -0, 0][Math.floor(rand() * 7)];
  if (pick < 0.6) return Array.from({ length: Math.floor(rand() * 4) }, () => tree(rand, depth - 1));
  const object: Record<string, unknown> = {};
  for (const key of KEYS) if (rand() < 0.35) object[key] = tree(rand, depth - 1);
  return object;
}

/** A changed copy: values replaced, keys removed or added, array items added or dropped. */
function mutate(value: unknown, rand: () => number): unknown {
  if (rand() < 0.1) return tree(rand, 2);
  if (Array.isArray(value)) {
    const items = value.map((v) => mutate(v, rand));
    if (rand() < 0.2) items.push(tree(rand, 2));
    if (rand() < 0.2) items.splice(Math.floor(rand() * items.length), 1);
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (rand() > 0.15) out[k] = rand() < 0.1 ? undefined : mutate(v, rand);
    if (rand() < 0.3) out[KEYS[Math.floor(rand() * KEYS.length)]!] = tree(rand, 2);
    return out;
  }
  return value;
}

/** The previous patchFor, on fast-json-patch itself: the oracle. */
function referencePatchFor(original: object, desired: object, specPointer = '/spec'): Operation[] {
  const staged = structuredClone(original) as Record<string, unknown>;
  const spec = (root: unknown): Record<string, unknown> | undefined =>
    specPointer
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
        root,
      ) as Record<string, unknown> | undefined;
  const inserts: Operation[] = [];
  for (const list of ['initContainers', 'containers', 'volumes']) {
    const have = spec(staged)?.[list] as { name: string }[] | undefined;
    const want = spec(desired)?.[list] as { name: string }[] | undefined;
    if (!Array.isArray(have) || !Array.isArray(want)) continue;
    const known = new Set(have.map((item) => item.name));
    for (const [index, item] of want.entries()) {
      if (known.has(item.name) || index > have.length) continue;
      have.splice(index, 0, structuredClone(item));
      inserts.push({ op: 'add', path: `${specPointer}/${list}/${index}`, value: item });
    }
  }
  return [...inserts, ...fastJsonPatch.compare(staged, desired)];
}

describe('compareJson', () => {
  it("gives fast-json-patch compare()'s operations, in its order, for 2000 random pairs", () => {
    const rand = random(20261127);
    for (let i = 0; i < 2000; i++) {
      const before = { root: tree(rand, 4) };
      const after = { root: mutate(before.root, rand) };
      expect(JSON.stringify(compareJson(before, after)), `pair ${i}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`).toBe(
        JSON.stringify(fastJsonPatch.compare(before, after)),
      );
    }
  });

  it('leaves both documents as they were', () => {
    const before = { a: [1, { b: 2 }], c: 'x' };
    const after = { a: [1, { b: 3 }, 4], d: { e: 'y' } };
    const snapshot = JSON.stringify([before, after]);
    compareJson(before, after);
    expect(JSON.stringify([before, after])).toBe(snapshot);
  });
});

describe('patchFor', () => {
  const container = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name,
    image: `${name}:1`,
    ...extra,
  });
  const pod = (spec: Record<string, unknown>): V1Pod => ({ metadata: { name: 'p', annotations: { a: '1' } }, spec }) as unknown as V1Pod;
  const cases: [string, V1Pod, V1Pod][] = [
    [
      'initContainers added',
      pod({ containers: [container('vmcp')] }),
      pod({ initContainers: [container('sidecar')], containers: [container('vmcp', { env: [{ name: 'A', value: '1' }] })] }),
    ],
    [
      'sidecar inserted before an existing init container',
      pod({ initContainers: [container('init')], containers: [container('vmcp')], volumes: [{ name: 'v' }] }),
      pod({
        initContainers: [container('sidecar'), container('init')],
        containers: [container('vmcp')],
        volumes: [{ name: 'v' }, { name: 'ca' }],
      }),
    ],
    [
      'stale sidecar replaced in place',
      pod({ initContainers: [container('sidecar', { args: ['a'] })], containers: [container('vmcp')] }),
      pod({ initContainers: [container('sidecar', { args: ['b'] })], containers: [container('vmcp')] }),
    ],
    [
      'sidecar removed from containers',
      pod({ containers: [container('vmcp'), container('sidecar')] }),
      pod({ initContainers: [container('sidecar')], containers: [container('vmcp')] }),
    ],
    ['nothing to do', pod({ containers: [container('vmcp')] }), pod({ containers: [container('vmcp')] })],
  ];
  it.each(cases)('%s: same operations as on fast-json-patch', (_name, original, desired) => {
    const snapshot = JSON.stringify(original);
    expect(JSON.stringify(patchFor(original, desired))).toBe(JSON.stringify(referencePatchFor(original, desired)));
    expect(JSON.stringify(original)).toBe(snapshot);
  });

  it('works under a workload template pointer', () => {
    const wrap = (p: V1Pod): V1Pod => ({ spec: { template: p } }) as unknown as V1Pod;
    const [, original, desired] = cases[1]!;
    expect(JSON.stringify(patchFor(wrap(original), wrap(desired), '/spec/template/spec'))).toBe(
      JSON.stringify(referencePatchFor(wrap(original), wrap(desired), '/spec/template/spec')),
    );
  });

  it('applies to the original to give the desired pod', () => {
    const [, original, desired] = cases[1]!;
    expect(fastJsonPatch.applyPatch(structuredClone(original), patchFor(original, desired), true, false).newDocument).toEqual(desired);
  });
});
