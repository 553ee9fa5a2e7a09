import type { ProfileHotspot } from './model.js';

// Where the CPU went, from a V8 `.cpuprofile` (`node --cpu-prof`): self time per function, idle excluded.
// `--cpu-prof` records the whole process, start-up included (module compilation then dominates a short run),
// so a time window keeps only the samples taken while the load ran.

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds on the monotonic clock (CLOCK_MONOTONIC, the clock of process.hrtime), as are the deltas. */
  startTime?: number;
  /** The node id of each sample, in order. */
  samples?: number[];
  /** Microseconds since the previous sample (the first: since startTime). */
  timeDeltas?: number[];
}

/** A span of the monotonic clock in µs, read with monotonicMicros() by any process on the machine. */
export interface TimeWindow {
  fromUs: number;
  toUs: number;
}

/** Now on the clock V8 stamps profile samples with (CLOCK_MONOTONIC is system-wide, so other processes agree). */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

/** Samples per node id: all of them (hitCount), or those taken within `window`. */
function hitsByNode(profile: CpuProfile, window: TimeWindow | undefined): Map<number, number> {
  const hits = new Map<number, number>();
  if (window === undefined) {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
    return hits;
  }
  const { startTime, samples, timeDeltas } = profile;
  if (startTime === undefined || samples === undefined || timeDeltas === undefined || samples.length !== timeDeltas.length) {
    throw new Error('this .cpuprofile has no sample timestamps: cannot keep only the load window');
  }
  let at = startTime;
  for (let i = 0; i < samples.length; i++) {
    at += timeDeltas[i]!;
    if (at < window.fromUs || at > window.toUs) continue;
    const id = samples[i]!;
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  return hits;
}

export function hotspots(profile: CpuProfile, top = 10, window?: TimeWindow): ProfileHotspot[] {
  const hitsOf = hitsByNode(profile, window);
  const byFunction = new Map<string, ProfileHotspot & { hits: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = hitsOf.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || hits === 0) continue;
    total += hits;
    const location = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${functionName}@${location}`;
    const entry = byFunction.get(key) ?? { functionName: functionName || '(anonymous)', location, selfPercent: 0, hits: 0 };
    entry.hits += hits;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map(({ functionName, location, hits }) => ({ functionName, location, selfPercent: total === 0 ? 0 : (100 * hits) / total }));
}

export function hotspotTable(spots: readonly ProfileHotspot[]): string {
  const lines = ['| self % | function | where |', '| --- | --- | --- |'];
  for (const s of spots) lines.push(`| ${s.selfPercent.toFixed(1)} | ${s.functionName} | ${s.location} |`);
  return lines.join('\n');
}
