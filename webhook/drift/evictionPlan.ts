import { needsNewPod } from './finding.js';
import type { CheckedPod } from './state.js';

// Which pod to evict next, if any (pure): one at a time, the previous one's replacement Ready first, at most
// `perMinute` evictions a minute, and only pods a controller will recreate.

export interface RemediationPod extends CheckedPod {
  /** uid of the controlling owner (ReplicaSet, StatefulSet...); undefined: nothing would recreate the pod. */
  ownerUid: string | undefined;
  ready: boolean;
  deleting: boolean;
}

export interface PendingReplacement {
  evicted: CheckedPod;
  ownerUid: string;
  /** Pods of that owner when we evicted: the replacement is a pod not among them. */
  ownerPodsBefore: ReadonlySet<string>;
  at: number;
}

export interface EvictionState {
  pending: PendingReplacement | undefined;
  lastEvictionAt: number | undefined;
}

export interface EvictionConfig {
  perMinute: number;
  /** Stop waiting for a replacement after this long (it may be stuck on something we do not control). */
  replacementTimeoutMs: number;
}

export type EvictionStep =
  | { action: 'none' }
  | { action: 'wait'; why: string }
  | { action: 'evict'; pod: RemediationPod; ownerPodsBefore: ReadonlySet<string> }
  | { action: 'give-up-waiting'; why: string };

export function replacementReady(pending: PendingReplacement, pods: readonly RemediationPod[]): boolean {
  return pods.some((p) => p.ownerUid === pending.ownerUid && !pending.ownerPodsBefore.has(p.uid) && p.ready && !p.deleting);
}

export function nextEviction(state: EvictionState, pods: readonly RemediationPod[], now: number, config: EvictionConfig): EvictionStep {
  const { pending } = state;
  if (pending !== undefined && !replacementReady(pending, pods)) {
    if (now - pending.at >= config.replacementTimeoutMs) {
      return {
        action: 'give-up-waiting',
        why: `no Ready replacement for ${pending.evicted.namespace}/${pending.evicted.name} after ${Math.round((now - pending.at) / 1000)} s`,
      };
    }
    return { action: 'wait', why: `waiting for a Ready replacement of ${pending.evicted.namespace}/${pending.evicted.name}` };
  }
  const candidates = pods
    .filter((p) => needsNewPod(p.finding.finding) && p.ownerUid !== undefined && !p.deleting)
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const pod = candidates[0];
  if (pod === undefined) return { action: 'none' };
  const spacingMs = 60_000 / config.perMinute;
  if (state.lastEvictionAt !== undefined && now - state.lastEvictionAt < spacingMs) {
    return { action: 'wait', why: `rate limit: next eviction in ${Math.ceil((spacingMs - (now - state.lastEvictionAt)) / 1000)} s` };
  }
  const ownerPodsBefore = new Set(pods.filter((p) => p.ownerUid === pod.ownerUid).map((p) => p.uid));
  return { action: 'evict', pod, ownerPodsBefore };
}
