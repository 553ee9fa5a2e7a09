import type { V1Pod } from '@kubernetes/client-node';
import { vmcpNameOf } from '../mutate/decide.js';
import { injectPod, type InjectContext, type InjectResult } from '../mutate/inject.js';

// The replicas of one rollout reach /mutate as the same Pod: the API server names a generateName pod and stamps
// its uid after admission, so every replica of a ReplicaSet arrives with one and the same object. Planning it
// (routes, NO_PROXY, the sidecar's hash, the diff) is most of a review's CPU, so the result for the first is kept
// for the rest. Safe because the key holds every input of injectPod: the pod as sent, its namespace and inject
// label, the settings, the VirtualMCPServers and entries the informer holds (by object identity: an update
// replaces the object, so a changed entry is a new key; a frozen list by its own identity) and the host bindings read from the Secrets for this
// review. Nothing else goes in, so a hit returns exactly what planning again would.

export const INJECT_MEMO_ENTRIES = 64;

export type Inject = (pod: V1Pod, ctx: InjectContext) => InjectResult;

/** `maxEntries` 0: no memory, every review plans. */
export function memoizedInject(inject: Inject = injectPod, maxEntries = INJECT_MEMO_ENTRIES): Inject {
  if (maxEntries <= 0) return inject;
  const results = new Map<string, InjectResult>();
  const ids = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (object: object | undefined): number | string => {
    if (object === undefined) return '-';
    let id = ids.get(object);
    if (id === undefined) ids.set(object, (id = ++nextId));
    return id;
  };
  // The informer's list is frozen and replaced on any change of the namespace, so the list itself names its
  // entries: one id instead of one per entry (a namespace of 3000 entries made every review's key 3000 ids long).
  const entriesKey = (list: readonly object[]): number | string | (number | string)[] =>
    Object.isFrozen(list) ? idOf(list) : list.map(idOf);
  return (pod, ctx) => {
    const namespace = pod.metadata?.namespace || ctx.namespace;
    const key = JSON.stringify([
      pod,
      ctx.namespace,
      ctx.namespaceLabels ?? null,
      idOf(ctx.settings),
      entriesKey(ctx.entriesIn(namespace)),
      // The VirtualMCPServer the pod names: the only one injectPod reads.
      idOf(vmcpOf(pod, ctx, namespace)),
      [...(ctx.secretBindings ?? new Map<string, readonly string[]>())],
    ]);
    const hit = results.get(key);
    if (hit !== undefined) {
      // Most recently used last: the first key is the one to evict.
      results.delete(key);
      results.set(key, hit);
      return hit;
    }
    const result = inject(pod, ctx);
    // Shared from now on: frozen, so no caller can change what the next replica gets (and its encoding is kept).
    deepFreeze(result);
    if (results.size >= maxEntries) results.delete(results.keys().next().value as string);
    results.set(key, result);
    return result;
  };
}

function vmcpOf(pod: V1Pod, ctx: InjectContext, namespace: string): object | undefined {
  const name = vmcpNameOf(pod);
  return name === undefined ? undefined : ctx.findVmcp(namespace, name);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
