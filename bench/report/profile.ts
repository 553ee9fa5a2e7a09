import type { ProfileHotspot } from './model.js';

// Where the CPU went, from a V8 `.cpuprofile` (`node --cpu-prof`): self time per function, idle excluded.

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
}

function shortUrl(url: string): string {
  const nodeModules = url.lastIndexOf('node_modules/');
  if (nodeModules >= 0) return url.slice(nodeModules + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + '/dist/'.length);
  return url.replace(/^file:\/\//, '');
}

export function hotspots(profile: CpuProfile, top = 10): ProfileHotspot[] {
  const byFunction = new Map<string, ProfileHotspot & { hits: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
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
