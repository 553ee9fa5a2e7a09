import { Observable, type ConfigurationOptions, type ObservableMiddleware, type RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { deadline } from './deadline.js';

// Per-call options for client-node 2.x API calls from the admission path: a deadline (AbortSignal) and one
// shared keep-alive connection pool. client-node 2.0 builds a new undici Agent, so a new TLS handshake, for
// every request; one admission with three Secrets would cost three handshakes.

export interface BoundedCall {
  signal: AbortSignal;
  /** The call is over: drops its deadline timer (see deadline.ts). */
  done(): void;
  /** Pass as the last argument of an ObjectParamAPI call, e.g. `core.readNamespacedSecret({...}, call.options)`. */
  options: ConfigurationOptions<ObservableMiddleware>;
}

export interface BoundedCallsOptions {
  timeoutMs: number;
  /** How long one pool is reused before adopting a fresh one (picks up rotated client certs). */
  poolMaxAgeMs?: number;
}

export function boundedCalls(options: BoundedCallsOptions): () => BoundedCall {
  const pool = new SharedDispatcher(options.poolMaxAgeMs ?? 5 * 60_000);
  return () => {
    const { signal, clear } = deadline(options.timeoutMs);
    const middleware: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        context.setSignal(signal);
        pool.apply(context);
        return new Observable(Promise.resolve(context));
      },
      post: (context) => new Observable(Promise.resolve(context)),
    };
    return { signal, done: clear, options: { middleware: [middleware], middlewareMergeStrategy: 'append' } };
  };
}

class SharedDispatcher {
  private shared: Dispatcher | undefined;
  private adoptedAt = 0;

  constructor(private readonly maxAgeMs: number) {}

  apply(context: RequestContext): void {
    const fresh = context.getDispatcher();
    if (fresh === undefined) return;
    if (this.shared === undefined || Date.now() - this.adoptedAt > this.maxAgeMs) {
      const previous = this.shared;
      this.shared = fresh;
      this.adoptedAt = Date.now();
      // close() lets in-flight requests finish, then drops the idle connections.
      previous?.close().catch(() => undefined);
      return;
    }
    context.setDispatcher(this.shared);
    // The per-request Agent never connected; release it.
    fresh.close().catch(() => undefined);
  }
}
