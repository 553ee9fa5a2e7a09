import { describeTransportError } from '../../apiErrors.js';
import type { Lookup } from '../types.js';

// The two shapes every cluster read of `check` takes: bounded in time (client-node cannot be aborted, so the
// call is raced against a timer and its answer, if it ever comes, ignored; the timer stays referenced so the
// process cannot exit with the question unanswered), and turned into data: a 404 is "missing", anything else
// "error" with its words.

export function withTimeout<T>(call: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`no answer within ${timeoutMs} ms while ${what} (--request-timeout)`);
      error.name = 'TimeoutError';
      reject(error);
    }, timeoutMs);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

export async function lookup<R, T>(call: () => Promise<R>, toFacts: (object: R) => T, timeoutMs: number, what: string): Promise<Lookup<T>> {
  try {
    return { status: 'found', value: toFacts(await withTimeout(call(), timeoutMs, what)) };
  } catch (error: unknown) {
    const problem = describeTransportError(error);
    if (problem.code === 404) return { status: 'missing' };
    return { status: 'error', message: problem.message, ...(problem.code === undefined ? {} : { code: problem.code }) };
  }
}
