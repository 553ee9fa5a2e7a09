import { describe, expect, it } from 'vitest';
import { cpuPerCreate, percentile, summarizeBurst } from './createBurst.js';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the nearest rank, without interpolation', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile([3, 7], 0.5)).toBe(3);
    expect(percentile([3, 7], 0.99)).toBe(7);
  });

  it('is NaN for no values', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('summarizeBurst', () => {
  it('times the successful creates, counts the failed ones and keeps the first message', () => {
    const summary = summarizeBurst({ okMs: [40, 10, 30, 20], errors: ['quota exceeded', 'later'], wallMs: 2000, concurrency: 16 });
    expect(summary).toEqual({
      creates: 6,
      errors: 2,
      firstError: 'quota exceeded',
      concurrency: 16,
      seconds: 2,
      ratePerSecond: 2,
      p50ms: 20,
      p99ms: 40,
      maxMs: 40,
    });
  });

  it('has no firstError when every create succeeded', () => {
    expect(summarizeBurst({ okMs: [5], errors: [], wallMs: 10, concurrency: 1 })).not.toHaveProperty('firstError');
  });
});

describe('cpuPerCreate', () => {
  it('divides each process’s CPU over the burst by its creates, skipping processes without a first reading', () => {
    expect(cpuPerCreate({ 'kube-apiserver': 1000, Kyverno: 50 }, { 'kube-apiserver': 3000, Kyverno: 550, late: 9 }, 1000)).toEqual({
      'kube-apiserver': 2,
      Kyverno: 0.5,
    });
  });

  it('is empty for a burst without creates', () => {
    expect(cpuPerCreate({ a: 1 }, { a: 2 }, 0)).toEqual({});
  });
});
