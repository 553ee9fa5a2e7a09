// Prometheus text format -> one histogram per label set, and quantiles interpolated within buckets the way
// PromQL's histogram_quantile does. Pure.

export interface Histogram {
  labels: Record<string, string>;
  /** Cumulative counts by upper bound, ascending, ending with +Inf. */
  buckets: { le: number; count: number }[];
  count: number;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const match of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[match[1]!] = match[2]!.replace(/\\(.)/g, '$1');
  return labels;
}

export function parseHistograms(text: string, metric: string): Histogram[] {
  const byKey = new Map<string, Histogram>();
  const bucketLine = new RegExp(`^${metric}_bucket\\{([^}]*)\\}\\s+(\\S+)`);
  for (const line of text.split('\n')) {
    const match = bucketLine.exec(line);
    if (!match) continue;
    const { le, ...labels } = parseLabels(match[1]!);
    if (le === undefined) continue;
    const key = JSON.stringify(Object.entries(labels).sort());
    const histogram = byKey.get(key) ?? { labels, buckets: [], count: 0 };
    histogram.buckets.push({ le: le === '+Inf' ? Infinity : Number(le), count: Number(match[2]) });
    byKey.set(key, histogram);
  }
  for (const h of byKey.values()) {
    h.buckets.sort((a, b) => a.le - b.le);
    h.count = h.buckets.at(-1)?.count ?? 0;
  }
  return [...byKey.values()];
}

/** Several label sets summed into one (e.g. every operation of one webhook). Bucket bounds must match. */
export function mergeHistograms(histograms: readonly Histogram[], labels: Record<string, string>): Histogram {
  const bounds = histograms[0]?.buckets.map((b) => b.le) ?? [];
  const buckets = bounds.map((le, i) => ({ le, count: histograms.reduce((sum, h) => sum + (h.buckets[i]?.count ?? 0), 0) }));
  return { labels, buckets, count: buckets.at(-1)?.count ?? 0 };
}

/** Linear interpolation inside the bucket holding rank q*count; the highest finite bound if it falls in +Inf. */
export function quantile(h: Histogram, q: number): number {
  if (h.count === 0) return NaN;
  const rank = q * h.count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of h.buckets) {
    if (bucket.count >= rank) {
      if (bucket.le === Infinity) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      return inBucket === 0 ? bucket.le : lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}

const labelKey = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort());

/**
 * What was observed between two scrapes of the same counters: `after` minus `before`, bucket by bucket, per label
 * set (a label set absent before counts from zero). Label sets with nothing new are dropped.
 */
export function histogramDelta(after: readonly Histogram[], before: readonly Histogram[]): Histogram[] {
  const earlier = new Map(before.map((h) => [labelKey(h.labels), h]));
  return after
    .map((h) => {
      const previous = earlier.get(labelKey(h.labels));
      const buckets = h.buckets.map((b) => ({ le: b.le, count: b.count - (previous?.buckets.find((p) => p.le === b.le)?.count ?? 0) }));
      return { labels: h.labels, buckets, count: buckets.at(-1)?.count ?? 0 };
    })
    .filter((h) => h.count > 0);
}
