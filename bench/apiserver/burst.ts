import { performance } from 'node:perf_hooks';
import type { CreateBurstTimings } from '../report/model.js';

// A burst of creates at a fixed concurrency, each create's round trip timed as the client sees it.

/** Run `work` over `items`, `concurrency` at a time. */
export async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

function errorText(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  const message = typeof body === 'string' ? body : error instanceof Error ? error.message : String(error);
  return message.slice(0, 300);
}

export async function timeCreates<T>(
  items: readonly T[],
  concurrency: number,
  create: (item: T) => Promise<unknown>,
): Promise<CreateBurstTimings> {
  const okMs: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  await inPool(items, concurrency, async (item) => {
    const t0 = performance.now();
    try {
      await create(item);
      okMs.push(performance.now() - t0);
    } catch (error) {
      errors.push(errorText(error));
    }
  });
  return { okMs, errors, wallMs: performance.now() - started, concurrency };
}

/** Round r runs the plans rotated by r, so no admission always follows the same one. */
export function burstOrder<T>(plans: readonly T[], round: number): T[] {
  const shift = round % plans.length;
  return [...plans.slice(shift), ...plans.slice(0, shift)];
}
