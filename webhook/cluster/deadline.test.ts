import { describe, expect, it, vi } from 'vitest';
import { deadline, DeadlineExceeded } from './deadline.js';

describe('deadline', () => {
  it('aborts with a TimeoutError once the time is up', () => {
    vi.useFakeTimers();
    try {
      const { signal } = deadline(100);
      vi.advanceTimersByTime(99);
      expect(signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
      expect((signal.reason as Error).name).toBe('TimeoutError');
    } finally {
      vi.useRealTimers();
    }
  });

  it('never fires after clear(): no timer is left behind', () => {
    vi.useFakeTimers();
    try {
      const { signal, clear } = deadline(100);
      clear();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(1000);
      expect(signal.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});
