import { describe, expect, it } from 'vitest';
import { parseCpuTicks } from './cpu.js';

describe('parseCpuTicks', () => {
  it('reads utime and stime, whatever the command name holds', () => {
    const stat = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 9000 0 0 0 1234 567 0 0 20 0 11 0 100 1000000 5000';
    expect(parseCpuTicks(stat)).toEqual({ user: 1234, system: 567 });
  });

  it('is undefined for a truncated line', () => {
    expect(parseCpuTicks('4242 (node) S 1 4242')).toBeUndefined();
  });
});
