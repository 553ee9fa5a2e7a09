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
