import { describe, expect, it } from 'vitest';
import { burstOrder, timeCreates } from './burst.js';

describe('burstOrder', () => {
  it('rotates the plans by the round, so each admission leads once in as many rounds as there are plans', () => {
    expect(burstOrder(['none', 'ours', 'peer'], 0)).toEqual(['none', 'ours', 'peer']);
    expect(burstOrder(['none', 'ours', 'peer'], 1)).toEqual(['ours', 'peer', 'none']);
    expect(burstOrder(['none', 'ours', 'peer'], 4)).toEqual(['ours', 'peer', 'none']);
  });
});

describe('timeCreates', () => {
  it('runs every item once, at most `concurrency` at a time, and records failures with the API server’s body', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const timings = await timeCreates([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await Promise.resolve();
      seen.push(n);
      running--;
      if (n === 5) throw Object.assign(new Error('HTTP 400'), { body: 'admission webhook "x" denied the request' });
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
    expect(timings.okMs).toHaveLength(6);
    expect(timings.errors).toEqual(['admission webhook "x" denied the request']);
    expect(timings.concurrency).toBe(3);
  });
});
