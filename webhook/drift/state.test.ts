import { describe, expect, it } from 'vitest';
import type { FindingKind } from './finding.js';
import { nextEviction, type EvictionState, type RemediationPod } from './evictionPlan.js';
import { driftPass, type CheckedPod } from './state.js';

const checked = (name: string, finding: FindingKind): CheckedPod => ({
  namespace: 'tools',
  name,
  uid: `uid-${name}`,
  finding: { finding, message: `${name} is ${finding}`, actualHash: '', desiredHash: '' },
});

describe('driftPass (an Event per change, not per interval)', () => {
  it('counts every finding and sends one Event per newly drifted pod', () => {
    const first = driftPass(new Map(), [checked('a', 'missing'), checked('b', 'ok'), checked('c', 'stale')]);
    expect(first.counts).toMatchObject({ missing: 1, ok: 1, stale: 1, orphaned: 0 });
    expect(first.events.map((e) => [e.pod.name, e.reason])).toEqual([
      ['a', 'SidecarMissing'],
      ['c', 'SidecarStale'],
    ]);
    const again = driftPass(first.remembered, [checked('a', 'missing'), checked('b', 'ok'), checked('c', 'stale')]);
    expect(again.events).toEqual([]);
    const changed = driftPass(again.remembered, [checked('a', 'missing'), checked('b', 'orphaned')]);
    expect(changed.events.map((e) => e.reason)).toEqual(['SidecarOrphaned']);
    expect(changed.remembered.has('uid-c')).toBe(false);
  });
});

const pod = (name: string, finding: FindingKind, extra: Partial<RemediationPod> = {}): RemediationPod => ({
  ...checked(name, finding),
  ownerUid: 'rs-1',
  ready: true,
  deleting: false,
  ...extra,
});
const config = { perMinute: 6, replacementTimeoutMs: 300_000 };
const idle: EvictionState = { pending: undefined, lastEvictionAt: undefined };

describe('nextEviction', () => {
  it('evicts only drifted pods that an owner will recreate, one at a time', () => {
    const pods = [pod('b', 'stale'), pod('a', 'ok'), pod('c', 'missing', { ownerUid: undefined }), pod('d', 'unplannable')];
    const step = nextEviction(idle, pods, 0, config);
    expect(step.action).toBe('evict');
    if (step.action !== 'evict') return;
    expect(step.pod.name).toBe('b');
    expect([...step.ownerPodsBefore].sort()).toEqual(['uid-a', 'uid-b', 'uid-d']);
    expect(nextEviction(idle, [pod('c', 'missing', { ownerUid: undefined }), pod('a', 'ok')], 0, config)).toEqual({ action: 'none' });
  });

  it('waits for a Ready replacement from the same owner before the next', () => {
    const pending = { evicted: checked('b', 'stale'), ownerUid: 'rs-1', ownerPodsBefore: new Set(['uid-a', 'uid-b', 'uid-c']), at: 0 };
    const state: EvictionState = { pending, lastEvictionAt: 0 };
    const before = [pod('a', 'stale'), pod('c', 'ok')];
    expect(nextEviction(state, [...before, pod('new', 'ok', { ready: false })], 60_000, config).action).toBe('wait');
    expect(nextEviction(state, [...before, pod('other-owner', 'ok', { ownerUid: 'rs-2' })], 60_000, config).action).toBe('wait');
    const step = nextEviction(state, [...before, pod('new', 'ok')], 60_000, config);
    expect(step.action === 'evict' && step.pod.name).toBe('a');
    expect(nextEviction(state, before, 300_000, config).action).toBe('give-up-waiting');
  });

  it('keeps to the rate: 6 a minute is one per 10 s', () => {
    const state: EvictionState = { pending: undefined, lastEvictionAt: 0 };
    expect(nextEviction(state, [pod('a', 'stale')], 9_999, config).action).toBe('wait');
    expect(nextEviction(state, [pod('a', 'stale')], 10_000, config).action).toBe('evict');
  });
});
