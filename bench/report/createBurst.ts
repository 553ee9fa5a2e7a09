import type { CreateBurst, CreateBurstTimings } from './model.js';

// One burst of creates through the API server, as the client saw it: each create's round trip, and the burst's
// rate (creates over the burst's wall time). Pure: timings in, figures out.

/** Nearest rank: the smallest value with at least q of the values at or below it (no interpolation). */
export function percentile(sortedAscending: readonly number[], q: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sortedAscending.length));
  return sortedAscending[rank - 1]!;
}

/** Latency over the creates that succeeded; the failed ones are counted, and the first one's message kept. */
export function summarizeBurst(
  timings: CreateBurstTimings,
): Omit<CreateBurst, 'admission' | 'resource' | 'round' | 'webhooks' | 'cpuMsPerCreate'> {
  const sorted = [...timings.okMs].sort((a, b) => a - b);
  const creates = sorted.length + timings.errors.length;
  const summary: Omit<CreateBurst, 'admission' | 'resource' | 'round' | 'webhooks' | 'cpuMsPerCreate'> = {
    creates,
    errors: timings.errors.length,
    concurrency: timings.concurrency,
    seconds: timings.wallMs / 1000,
    ratePerSecond: timings.wallMs > 0 ? (sorted.length * 1000) / timings.wallMs : 0,
    p50ms: percentile(sorted, 0.5),
    p99ms: percentile(sorted, 0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
  if (timings.errors[0] !== undefined) summary.firstError = timings.errors[0];
  return summary;
}

/** CPU per create by process: the difference of two readings of cumulative CPU milliseconds, over the creates. */
export function cpuPerCreate(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
  creates: number,
): Record<string, number> {
  if (creates <= 0) return {};
  return Object.fromEntries(
    Object.entries(after).flatMap(([name, ms]) => (name in before ? [[name, (ms - before[name]!) / creates]] : [])),
  );
}
