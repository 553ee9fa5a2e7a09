// A per-call deadline that can be cleared once the answer is in. AbortSignal.timeout cannot be: its timer fires for
// every call, long after the answer, and builds a DOMException with a stack trace each time. At 300 /validate
// reviews/s that was 24% of the webhook's CPU (a --cpu-prof of the open-loop bench, docs/benchmarks.md).

export interface Deadline {
  /** Aborts `timeoutMs` after the deadline was made, unless cleared first. */
  signal: AbortSignal;
  /** The call is over: the timer goes, nothing fires later. */
  clear(): void;
}

export class DeadlineExceeded extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

export function deadline(timeoutMs: number): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(timeoutMs)), timeoutMs);
  // Like AbortSignal.timeout: a pending deadline never keeps the process alive.
  timer.unref();
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
