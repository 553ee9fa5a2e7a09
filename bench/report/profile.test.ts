import { describe, expect, it } from 'vitest';
import { hotspots } from './profile.js';

const frame = (functionName: string, url = '', lineNumber = 0): { functionName: string; url: string; lineNumber: number } => ({
  functionName,
  url,
  lineNumber,
});

describe('hotspots', () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)'), hitCount: 900 },
      { id: 2, callFrame: frame('addHeaders', 'file:///app/dist/sidecar/forward.js', 9), hitCount: 30 },
      { id: 3, callFrame: frame('addHeaders', 'file:///app/dist/sidecar/forward.js', 9), hitCount: 30 },
      { id: 4, callFrame: frame('writev'), hitCount: 40 },
      { id: 5, callFrame: frame('request', 'file:///app/node_modules/undici/lib/api/api-request.js', 99), hitCount: 0 },
    ],
  };

  it('sums self time per function, leaves idle out and ranks by share of busy time', () => {
    expect(hotspots(profile)).toEqual([
      { functionName: 'addHeaders', location: 'sidecar/forward.js:10', selfPercent: 60 },
      { functionName: 'writev', location: '', selfPercent: 40 },
    ]);
  });

  it('keeps only the top entries', () => {
    expect(hotspots(profile, 1)).toHaveLength(1);
  });
});

describe('hotspots within a time window', () => {
  // Start-up (module compilation) at 1000-1020 µs, the load at 2000-2030 µs.
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('compileSourceTextModule'), hitCount: 2 },
      { id: 2, callFrame: frame('parse', 'file:///app/node_modules/secure-json-parse/index.js', 16), hitCount: 3 },
      { id: 3, callFrame: frame('(idle)'), hitCount: 1 },
    ],
    startTime: 1000,
    samples: [1, 1, 3, 2, 2, 2],
    timeDeltas: [10, 10, 500, 480, 10, 10],
  };

  it('counts only the samples taken inside the window', () => {
    expect(hotspots(profile, 10, { fromUs: 1900, toUs: 2100 })).toEqual([
      { functionName: 'parse', location: 'secure-json-parse/index.js:17', selfPercent: 100 },
    ]);
    expect(hotspots(profile, 10, { fromUs: 1000, toUs: 1020 })).toEqual([
      { functionName: 'compileSourceTextModule', location: '', selfPercent: 100 },
    ]);
  });

  it('without a window counts every sample', () => {
    expect(hotspots(profile).map((h) => h.functionName)).toEqual(['parse', 'compileSourceTextModule']);
  });

  it('refuses a window on a profile without timestamps rather than counting start-up', () => {
    expect(() => hotspots({ nodes: profile.nodes }, 10, { fromUs: 0, toUs: 1 })).toThrow(/no sample timestamps/);
  });
});
