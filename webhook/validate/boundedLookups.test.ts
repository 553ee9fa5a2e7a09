import { describe, expect, it } from 'vitest';
import { lookupAll, LOOKUP_CONCURRENCY } from './boundedLookups.js';

const fallbacks = { failed: (m: string) => `failed: ${m}`, late: () => 'late' };

describe('lookupAll', () => {
  it(`runs at most ${LOOKUP_CONCURRENCY} lookups at once and answers every name`, async () => {
    let running = 0;
    let peak = 0;
    const names = Array.from({ length: 50 }, (_, i) => `s${i}`);
    const results = await lookupAll(
      names,
      async (name) => {
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return `ok ${name}`;
      },
      fallbacks,
    );
    expect(peak).toBe(LOOKUP_CONCURRENCY);
    expect([...results.values()]).toEqual(names.map((n) => `ok ${n}`));
  });

  it('reports a throw as failed and what did not answer by the deadline as late, without waiting for it', async () => {
    const started = Date.now();
    const results = await lookupAll(
      ['boom', 'fast', 'slow'],
      async (name) => {
        if (name === 'boom') throw new Error('no');
        if (name === 'slow') await new Promise((r) => setTimeout(r, 5_000));
        return 'ok';
      },
      fallbacks,
      { deadline: Date.now() + 100 },
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(Object.fromEntries(results)).toEqual({ boom: 'failed: no', fast: 'ok', slow: 'late' });
  });
});
