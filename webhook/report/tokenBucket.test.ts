import { describe, expect, it } from 'vitest';
import { TokenBucket } from './tokenBucket.js';

function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces at the rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 2, ...clock });
    for (let i = 0; i < 5; i++) await bucket.take();
    // 2 free, then 3 more at 5/s: 200 ms each.
    expect(clock.slept).toEqual([200, 200, 200]);
    expect(clock.now()).toBe(600);
  });

  it('serves concurrent callers one token each, in order', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1, ...clock });
    const order: number[] = [];
    await Promise.all([1, 2, 3].map((n) => bucket.take().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(200);
  });

  it('refuses a rate that would never hand out a token', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond > 0/);
  });
});
