import type { LoadSummary } from './model.js';

// Several interleaved runs of one target become one figure: the median, with the spread beside it so a reader
// sees whether a difference between targets is larger than the run-to-run noise.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type Numeric = 'requests' | 'seconds' | 'rps' | 'p50us' | 'p90us' | 'p99us' | 'maxUs' | 'meanUs';
const NUMERIC: readonly Numeric[] = ['requests', 'seconds', 'rps', 'p50us', 'p90us', 'p99us', 'maxUs', 'meanUs'];

/** Field by field median of the runs; errors are summed and the first error kept, so no failure is hidden. */
export function medianSummary(runs: readonly LoadSummary[]): LoadSummary {
  if (runs.length === 0) throw new Error('medianSummary needs at least one run');
  const summary = { errors: runs.reduce((sum, r) => sum + r.errors, 0) } as LoadSummary;
  for (const key of NUMERIC) summary[key] = median(runs.map((r) => r[key]));
  const firstError = runs.find((r) => r.firstError)?.firstError;
  if (firstError) summary.firstError = firstError;
  if (runs.some((r) => r.truncated)) summary.truncated = true;
  return summary;
}

export interface Spread {
  min: number;
  max: number;
}

export function spread(runs: readonly LoadSummary[], key: Numeric): Spread {
  const values = runs.map((r) => r[key]);
  return { min: Math.min(...values), max: Math.max(...values) };
}
