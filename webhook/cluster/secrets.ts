import { ApiException, CoreV1Api, Observable, type KubeConfig } from '@kubernetes/client-node';
import type { RequestContext } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { secretFacts } from '../validate/secretFacts.js';
import type { GetSecret } from '../validate/lookup.js';
import type { SecretLookup } from '../validate/types.js';

// Secrets are read one by one with GET by name (RBAC: `get` on secrets, never list/watch), each bounded by
// a timeout well below the webhook's, so a slow API server yields a clear denial instead of a timed-out webhook.

export interface SecretGetterOptions {
  kubeConfig: KubeConfig;
  timeoutMs: number;
  /** How long one connection pool is reused before adopting a fresh one (picks up rotated client certs). */
  poolMaxAgeMs?: number;
}

export function createSecretGetter(options: SecretGetterOptions): GetSecret {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const pool = new SharedDispatcher(options.poolMaxAgeMs ?? 5 * 60_000);
  return async (namespace, name) => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const abortAfterTimeout = {
      pre: (context: RequestContext) => {
        context.setSignal(signal);
        pool.apply(context);
        return new Observable(Promise.resolve(context));
      },
      post: <T>(context: T) => new Observable(Promise.resolve(context)),
    };
    try {
      const secret = await core.readNamespacedSecret(
        { name, namespace },
        { middleware: [abortAfterTimeout], middlewareMergeStrategy: 'append' },
      );
      // Values are reduced to facts right here; the V1Secret goes out of scope with this frame.
      return { status: 'found', secret: secretFacts(secret, namespace) };
    } catch (error: unknown) {
      return lookupFailure(error, signal, options.timeoutMs);
    }
  };
}

/**
 * client-node 2.0 builds a new undici Agent, so a new TLS connection, for every request. One admission with
 * three Secrets would cost three handshakes. Reuse one Agent (keep-alive pool) and renew it now and then.
 */
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

/** 404 is an answer ("not found"); anything else means the check could not run, and says why. */
export function lookupFailure(error: unknown, signal: AbortSignal, timeoutMs: number): SecretLookup {
  if (error instanceof ApiException) {
    if (error.code === 404) return { status: 'not-found' };
    const detail = statusMessage(error.body);
    return { status: 'error', reason: `the API server answered HTTP ${error.code}${detail === undefined ? '' : `: ${detail}`}` };
  }
  if (signal.aborted) return { status: 'error', reason: `no answer from the API server within ${timeoutMs} ms` };
  const message = error instanceof Error ? (causeMessage(error) ?? error.message) : String(error);
  return { status: 'error', reason: `cannot reach the API server: ${message}` };
}

function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (parsed !== null && typeof parsed === 'object' && 'message' in parsed && typeof parsed.message === 'string') {
    return parsed.message;
  }
  return undefined;
}

function causeMessage(error: Error): string | undefined {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : undefined;
}
