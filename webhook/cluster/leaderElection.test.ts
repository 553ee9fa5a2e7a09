import type { V1Lease } from '@kubernetes/client-node';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  createElector,
  LeaseConflict,
  systemClock,
  validateTiming,
  type Clock,
  type ElectionConfig,
  type LeaseApi,
} from './leaderElection.js';

// An in-memory Lease with the API server's optimistic concurrency (resourceVersion), and a clock moved by hand.

class Store {
  lease: V1Lease | undefined;
  rv = 0;
  failing = false;
  api(): LeaseApi {
    return {
      get: () =>
        this.failing ? Promise.reject(new Error('connection refused')) : Promise.resolve(this.lease && structuredClone(this.lease)),
      create: (lease) => {
        if (this.failing) return Promise.reject(new Error('connection refused'));
        if (this.lease) return Promise.reject(new LeaseConflict('exists'));
        return Promise.resolve(this.write(lease));
      },
      replace: (lease) => {
        if (this.failing) return Promise.reject(new Error('connection refused'));
        if (lease.metadata?.resourceVersion !== this.lease?.metadata?.resourceVersion) return Promise.reject(new LeaseConflict('stale'));
        return Promise.resolve(this.write(lease));
      },
    };
  }
  private write(lease: V1Lease): V1Lease {
    this.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++this.rv) } };
    return structuredClone(this.lease);
  }
}

function manualClock(): Clock & { advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, sleep: () => Promise.resolve(), advance: (ms) => (t += ms) };
}

const config = (identity: string): ElectionConfig => ({
  namespace: 'mcp-system',
  name: 'mcp-header-forward',
  identity,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
});

describe('Lease leader election', () => {
  it('the first candidate creates the Lease and leads; the second waits', async () => {
    const store = new Store();
    const clock = manualClock();
    const a = createElector(config('a'), store.api(), clock);
    const b = createElector(config('b'), store.api(), clock);
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    expect(b.holder()).toBe('a');
    expect(store.lease?.spec?.holderIdentity).toBe('a');
    expect(store.lease?.spec?.leaseDurationSeconds).toBe(15);
  });

  it('a renewing leader keeps the Lease however long the other waits', async () => {
    const store = new Store();
    const clock = manualClock();
    const a = createElector(config('a'), store.api(), clock);
    const b = createElector(config('b'), store.api(), clock);
    await a.tick();
    for (let i = 0; i < 20; i += 1) {
      clock.advance(2_000);
      expect(await a.tick()).toBe(true);
      expect(await b.tick()).toBe(false);
    }
    expect(store.lease?.spec?.leaseTransitions).toBe(0);
  });

  it('takes over only after leaseDuration without a renewal, measured from when it first saw the record', async () => {
    const store = new Store();
    const clock = manualClock();
    const a = createElector(config('a'), store.api(), clock);
    const b = createElector(config('b'), store.api(), clock);
    await a.tick();
    await b.tick(); // b observes the record now
    clock.advance(14_999);
    expect(await b.tick()).toBe(false);
    clock.advance(1);
    expect(await b.tick()).toBe(true);
    expect(store.lease?.spec?.holderIdentity).toBe('b');
    expect(store.lease?.spec?.leaseTransitions).toBe(1);
  });

  it('a leader that sees another holder stops at once', async () => {
    const store = new Store();
    const clock = manualClock();
    const stopped: string[] = [];
    const a = createElector(config('a'), store.api(), clock, { onStoppedLeading: () => stopped.push('a') });
    await a.tick();
    store.lease = {
      ...store.lease!,
      spec: { ...store.lease!.spec, holderIdentity: 'b' },
      metadata: { ...store.lease!.metadata, resourceVersion: '99' },
    };
    expect(await a.tick()).toBe(false);
    expect(stopped).toEqual(['a']);
  });

  it('keeps leading through API errors until renewDeadline, then stops', async () => {
    const store = new Store();
    const clock = manualClock();
    const errors: number[] = [];
    const recovered: number[] = [];
    const a = createElector(config('a'), store.api(), clock, {
      onError: (_e, consecutive) => errors.push(consecutive),
      onRecovered: (n) => recovered.push(n),
    });
    await a.tick();
    store.failing = true;
    clock.advance(9_999);
    expect(await a.tick()).toBe(true);
    clock.advance(1);
    expect(await a.tick()).toBe(false);
    expect(errors).toEqual([1, 2]);
    store.failing = false;
    expect(await a.tick()).toBe(true);
    expect(recovered).toEqual([2]);
    store.failing = true;
    await a.tick();
    expect(errors).toEqual([1, 2, 1]);
  });

  it('release empties holderIdentity so the next candidate need not wait', async () => {
    const store = new Store();
    const clock = manualClock();
    const a = createElector(config('a'), store.api(), clock);
    const b = createElector(config('b'), store.api(), clock);
    await a.tick();
    await b.tick();
    await a.release();
    expect(a.isLeader()).toBe(false);
    expect(store.lease?.spec?.holderIdentity).toBe('');
    expect(await b.tick()).toBe(true);
  });

  it('two candidates racing to create: exactly one leads', async () => {
    const store = new Store();
    const clock = manualClock();
    const results = await Promise.all(['a', 'b', 'c'].map((id) => createElector(config(id), store.api(), clock).tick()));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('rejects timings that could let two leaders overlap', () => {
    expect(() => validateTiming({ leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 })).toThrow(/lease duration/);
    expect(() => validateTiming({ leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(/renew deadline/);
  });

  it('systemClock.sleep on one long-lived signal leaves no abort listener behind, and abort ends a wait at once', async () => {
    const wake = new AbortController();
    for (let i = 0; i < 20; i++) await systemClock.sleep(1, wake.signal);
    expect(getEventListeners(wake.signal, 'abort')).toHaveLength(0);
    const pending = systemClock.sleep(60_000, wake.signal);
    wake.abort();
    await pending;
  });

  it('a renewal that never answers stops counting as leading at the renew deadline', async () => {
    const store = new Store();
    const clock = manualClock();
    const a = createElector(config('a'), store.api(), clock);
    expect(await a.tick()).toBe(true);
    clock.advance(9_999);
    expect(a.isLeader()).toBe(true);
    clock.advance(1); // renewDeadline (10 s) without a successful renewal, the tick still hanging
    expect(a.isLeader()).toBe(false);
  });
});
