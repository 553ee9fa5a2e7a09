import { setTimeout as delay } from 'node:timers/promises';
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';

// Leader election over a coordination.k8s.io/v1 Lease, with client-go's semantics: a candidate takes the Lease
// when its holder has not renewed it for leaseDuration *as seen on our own clock* (the record's timestamps come
// from another machine's clock, so only "unchanged since we first saw it" is trusted); the leader renews every
// retryPeriod and gives up leading when it could not renew for renewDeadline; release empties holderIdentity.
// client-node 2.x has no leader-election helper, hence this small loop; the Lease API and the clock are injected.

export interface LeaseApi {
  /** undefined when the Lease does not exist. */
  get(): Promise<V1Lease | undefined>;
  /** Throws LeaseConflict when someone else created it first. */
  create(lease: V1Lease): Promise<V1Lease>;
  /** Throws LeaseConflict when the resourceVersion is no longer current. */
  replace(lease: V1Lease): Promise<V1Lease>;
}

export class LeaseConflict extends Error {}

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  // ref: false: the election alone never keeps the process up. The signal lets stop() end the wait at once, so
  // shutdown does not sit on a timer that cannot keep the event loop alive (the process would exit mid-shutdown).
  // timers/promises removes its abort listener when the timer fires: one long-lived signal gathers none.
  sleep: (ms, signal) => delay(ms, undefined, { ref: false, ...(signal !== undefined ? { signal } : {}) }).catch(() => undefined),
};

export interface ElectionConfig {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

export const DEFAULT_TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 } as const;

/** client-go's checks: leaseDuration > renewDeadline > retryPeriod (with jitter room) keeps two leaders apart. */
export function validateTiming(t: Pick<ElectionConfig, 'leaseDurationMs' | 'renewDeadlineMs' | 'retryPeriodMs'>): void {
  if (t.leaseDurationMs <= t.renewDeadlineMs)
    throw new Error(
      `leader election: lease duration (${t.leaseDurationMs} ms) must be greater than the renew deadline (${t.renewDeadlineMs} ms)`,
    );
  if (t.renewDeadlineMs <= 1.2 * t.retryPeriodMs)
    throw new Error(
      `leader election: renew deadline (${t.renewDeadlineMs} ms) must be greater than 1.2 x retry period (${t.retryPeriodMs} ms)`,
    );
}

export interface Elector {
  /** One acquire-or-renew attempt; what the loop runs every retryPeriod. Returns whether we lead afterwards. */
  tick(): Promise<boolean>;
  isLeader(): boolean;
  holder(): string | undefined;
  /** Gives the Lease up (holderIdentity emptied) when we hold it, so a successor need not wait leaseDuration. */
  release(): Promise<void>;
}

export interface ElectorHooks {
  onStartedLeading?(): void;
  onStoppedLeading?(): void;
  /** `consecutive` counts failed ticks in a row (1 on the first), so callers can log a lasting failure once in a while. */
  onError?(error: unknown, consecutive: number): void;
  /** A tick succeeded after `failures` failed ones. */
  onRecovered?(failures: number): void;
}

export function createElector(config: ElectionConfig, api: LeaseApi, clock: Clock, hooks: ElectorHooks = {}): Elector {
  validateTiming(config);
  let leading = false;
  let lastRenew = 0;
  let failures = 0;
  let observed: { key: string; at: number; holder: string | undefined } | undefined;

  const setLeading = (value: boolean): void => {
    if (value === leading) return;
    leading = value;
    if (value) hooks.onStartedLeading?.();
    else hooks.onStoppedLeading?.();
  };

  const spec = (previous: V1Lease | undefined, now: number): V1Lease => {
    const prev = previous?.spec;
    const takeover = prev?.holderIdentity !== config.identity;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: config.name,
        namespace: config.namespace,
        ...(previous?.metadata?.resourceVersion ? { resourceVersion: previous.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: config.identity,
        leaseDurationSeconds: Math.ceil(config.leaseDurationMs / 1000),
        acquireTime: takeover || prev?.acquireTime === undefined ? new V1MicroTime(now) : prev.acquireTime,
        renewTime: new V1MicroTime(now),
        leaseTransitions: (prev?.leaseTransitions ?? 0) + (takeover && prev?.holderIdentity ? 1 : 0),
      },
    };
  };

  /** true: we hold the Lease now; false: someone else holds it and it has not expired. */
  const attempt = async (): Promise<boolean> => {
    const now = clock.now();
    const current = await api.get();
    if (current === undefined) {
      await api.create(spec(undefined, now));
      return true;
    }
    const holder = current.spec?.holderIdentity || undefined;
    const key = recordKey(current);
    if (observed?.key !== key) observed = { key, at: now, holder };
    const durationMs = (current.spec?.leaseDurationSeconds ?? Math.ceil(config.leaseDurationMs / 1000)) * 1000;
    const heldByOther = holder !== undefined && holder !== config.identity && observed.at + durationMs > now;
    if (heldByOther) return false;
    const written = await api.replace(spec(current, now));
    observed = { key: recordKey(written), at: now, holder: config.identity };
    return true;
  };

  return {
    async tick() {
      let outcome: 'held' | 'other' | 'error';
      try {
        outcome = (await attempt()) ? 'held' : 'other';
        if (failures > 0) hooks.onRecovered?.(failures);
        failures = 0;
      } catch (error: unknown) {
        if (!(error instanceof LeaseConflict)) hooks.onError?.(error, (failures += 1));
        outcome = 'error';
      }
      const now = clock.now();
      if (outcome === 'held') {
        lastRenew = now;
        setLeading(true);
      } else if (outcome === 'other' || now - lastRenew >= config.renewDeadlineMs) {
        // Someone else holds it, or we could not renew in time: stop acting before the Lease can pass on.
        setLeading(false);
      }
      return leading;
    },
    // A renewal that hangs (an API server that accepts but never answers) must not keep us "leading" past the
    // renew deadline: by then another replica may hold the Lease.
    isLeader: () => leading && clock.now() - lastRenew < config.renewDeadlineMs,
    holder: () => (leading ? config.identity : observed?.holder),
    async release() {
      if (!leading) return;
      setLeading(false);
      try {
        const current = await api.get();
        if (current?.spec?.holderIdentity !== config.identity) return;
        const now = clock.now();
        await api.replace({
          ...current,
          spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime(now) },
        });
      } catch (error: unknown) {
        hooks.onError?.(error, 1);
      }
    },
  };
}

/** What identifies one write of the record: a renewal changes it, silence keeps it. */
function recordKey(lease: V1Lease): string {
  return `${lease.spec?.holderIdentity ?? ''}|${lease.spec?.renewTime?.valueOf() ?? ''}|${lease.metadata?.resourceVersion ?? ''}`;
}

/** Runs tick() every retryPeriod until stop(); stop releases the Lease. */
export function runElection(elector: Elector, config: Pick<ElectionConfig, 'retryPeriodMs'>, clock: Clock): { stop(): Promise<void> } {
  let stopped = false;
  const wake = new AbortController();
  const loop = (async () => {
    while (!stopped) {
      await elector.tick();
      if (!stopped) await clock.sleep(config.retryPeriodMs, wake.signal);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake.abort();
      // A Lease call in flight may hang: wait for it at most one retry period, then release regardless.
      await Promise.race([loop, clock.sleep(config.retryPeriodMs)]);
      await elector.release();
    },
  };
}
