import { describe, expect, it } from 'vitest';
import { median, medianSummary, spread } from './median.js';
import type { LoadSummary } from './model.js';

const run = (p50us: number, rps: number, errors = 0): LoadSummary => ({
  requests: 1000,
  errors,
  seconds: 1000 / rps,
  rps,
  p50us,
  p90us: p50us + 10,
  p99us: p50us * 3,
  maxUs: p50us * 10,
  meanUs: p50us + 5,
});

describe('median', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(median([300, 100, 200])).toBe(200);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('medianSummary', () => {
  it('takes each field separately, so one slow run does not move the figures', () => {
    const m = medianSummary([run(100, 9000), run(400, 2000), run(110, 8000)]);
    expect(m.p50us).toBe(110);
    expect(m.rps).toBe(8000);
    expect(m.p99us).toBe(330);
  });

  it('sums errors and keeps the first message', () => {
    const failing = { ...run(100, 9000, 2), firstError: 'status 502' };
    const m = medianSummary([run(100, 9000), failing, run(100, 9000, 1)]);
    expect(m.errors).toBe(3);
    expect(m.firstError).toBe('status 502');
  });
});

describe('spread', () => {
  it('is the lowest and highest value over the runs', () => {
    expect(spread([run(100, 9000), run(400, 2000), run(110, 8000)], 'p50us')).toEqual({ min: 100, max: 400 });
  });
});
