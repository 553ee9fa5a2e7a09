import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { secretFacts, type SecretObject } from '../validate/secretFacts.js';
import type { GetSecret } from '../validate/lookup.js';
import type { SecretLookup } from '../validate/types.js';
import { createApiRequest, isTimeout, type ApiAnswer, type ApiRequest } from './apiRequest.js';
import { boundedCalls } from './requestOptions.js';

// Secrets are read one by one with GET by name (RBAC: `get` on secrets, never list/watch), each bounded by
// a timeout well below the webhook's, so a slow API server yields a clear denial instead of a timed-out webhook.
// The hot path is a plain pooled GET (apiRequest.ts); client-node only serves kubeconfigs with a proxy.
// HTTP 401 carries no detail, as client-node reports it (its generated client drops that body).

export interface SecretGetterOptions {
  kubeConfig: KubeConfig;
  timeoutMs: number;
  /** How long one connection pool is reused before adopting a fresh one (picks up rotated client certs). */
  poolMaxAgeMs?: number;
}

/** Facts with their revision (what --follow-secrets compares), or without: the admission checks never read it. */
export interface SecretGetters {
  withRevision: GetSecret;
  withoutRevision: GetSecret;
}

/** Both getters over one connection pool. */
export function createSecretGetters(options: SecretGetterOptions): SecretGetters {
  const get = createApiRequest(options);
  const getter = (revision: boolean): GetSecret =>
    get === undefined ? clientNodeGetter(options, revision) : plainGetter(get, options.timeoutMs, revision);
  return { withRevision: getter(true), withoutRevision: getter(false) };
}

export function createSecretGetter(options: SecretGetterOptions): GetSecret {
  return createSecretGetters(options).withRevision;
}

function plainGetter(get: ApiRequest, timeoutMs: number, revision: boolean): GetSecret {
  return async (namespace, name) => {
    let answer: ApiAnswer;
    try {
      answer = await get(`/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`);
    } catch (error: unknown) {
      return transportFailure(error, isTimeout(error), timeoutMs);
    }
    if (answer.statusCode === 404) return { status: 'not-found' };
    if (answer.statusCode !== 200) return statusFailure(answer.statusCode, answer.statusCode === 401 ? undefined : answer.body);
    let secret: SecretObject;
    try {
      secret = JSON.parse(answer.body) as SecretObject;
    } catch {
      return { status: 'error', reason: 'the API server answered HTTP 200 with a body that is not JSON' };
    }
    // Values are reduced to facts right here; the parsed Secret goes out of scope with this frame.
    return { status: 'found', secret: secretFacts(secret, namespace, { revision }) };
  };
}

/** Through client-node (a kubeconfig with a proxy): one thrown ApiException per non-2xx answer. */
function clientNodeGetter(options: SecretGetterOptions, revision: boolean): GetSecret {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const nextCall = boundedCalls(options);
  return async (namespace, name) => {
    const call = nextCall();
    try {
      const secret = await core.readNamespacedSecret({ name, namespace }, call.options);
      // Values are reduced to facts right here; the V1Secret goes out of scope with this frame.
      return { status: 'found', secret: secretFacts(secret, namespace, { revision }) };
    } catch (error: unknown) {
      return lookupFailure(error, call.signal, options.timeoutMs);
    } finally {
      call.done();
    }
  };
}

/** 404 is an answer ("not found"); anything else means the check could not run, and says why. */
export function lookupFailure(error: unknown, signal: AbortSignal, timeoutMs: number): SecretLookup {
  if (error instanceof ApiException) {
    if (error.code === 404) return { status: 'not-found' };
    return statusFailure(error.code, error.body);
  }
  return transportFailure(error, signal.aborted, timeoutMs);
}

/** A non-2xx answer other than 404: the code and, when the body is a Status, its message. */
export function statusFailure(code: number, body: unknown): SecretLookup {
  const detail = statusMessage(body);
  return { status: 'error', reason: `the API server answered HTTP ${code}${detail === undefined ? '' : `: ${detail}`}` };
}

export function transportFailure(error: unknown, timedOut: boolean, timeoutMs: number): SecretLookup {
  if (timedOut) return { status: 'error', reason: `no answer from the API server within ${timeoutMs} ms` };
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
