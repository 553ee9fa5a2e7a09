import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview } from '@kubernetes/client-node';
import { registeredCounter } from '../registeredMetrics.js';
import type { Counter, Registry } from 'prom-client';
import type { AccessAnswer, CanReadSecret, Requester } from '../validate/readableLookup.js';
import { cacheKey, createAccessCache, type AccessCache } from './accessCache.js';
import { boundedCalls } from './requestOptions.js';
import type { SecretLookup } from '../validate/types.js';
import { createApiRequest, isTimeout, type ApiAnswer } from './apiRequest.js';
import { lookupFailure, statusFailure, transportFailure } from './secrets.js';

// "May this user get this Secret?" asked of the API server's authorizer (authorization.k8s.io/v1
// SubjectAccessReview, RBAC: create subjectaccessreviews). Bounded by a timeout, over one keep-alive pool (no TLS
// handshake per review, no client-node machinery per call); positive answers cached briefly.

export interface AccessReviewOptions {
  kubeConfig: KubeConfig;
  timeoutMs: number;
  cache?: AccessCache;
  /** Counts reviews by outcome in ACCESS_REVIEWS_METRIC. */
  registry?: Registry;
}

export const ACCESS_REVIEWS_METRIC = 'mcp_header_forward_secret_access_reviews_total';
type Outcome = 'allowed' | 'denied' | 'cached' | 'error';

export function createSecretReadCheck(options: AccessReviewOptions): CanReadSecret {
  const cache = options.cache ?? createAccessCache();
  const reviews = options.registry === undefined ? undefined : reviewsCounter(options.registry);
  const count = (outcome: Outcome): void => reviews?.inc({ outcome });
  const send = reviewSender(options);
  // Concurrent reviews asking the same (identity, Secret) share one SubjectAccessReview (a burst of applies);
  // the metric counts reviews sent, so a shared one is counted once.
  const inFlight = new Map<string, Promise<AccessAnswer>>();
  const review = async (requester: Requester, namespace: string, name: string): Promise<AccessAnswer> => {
    const answer = await send(secretReadReview(requester, namespace, name));
    if ('error' in answer) {
      count('error');
      return { error: `the SubjectAccessReview failed: ${answer.error}` };
    }
    const allowed = answer.status?.allowed === true && answer.status.denied !== true;
    count(allowed ? 'allowed' : 'denied');
    if (allowed) cache.rememberAllowed(requester, namespace, name);
    return allowed ? ALLOWED : DENIED;
  };
  return (requester, namespace, name): Promise<AccessAnswer> => {
    // The hit path allocates nothing beyond the key: one Map lookup and a shared answer.
    if (cache.allowed(requester, namespace, name)) {
      count('cached');
      return CACHED_ALLOWED;
    }
    const key = cacheKey(requester, namespace, name);
    const pending = inFlight.get(key);
    if (pending !== undefined) return pending;
    const started = review(requester, namespace, name).finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}

const ALLOWED: AccessAnswer = Object.freeze({ allowed: true });
const DENIED: AccessAnswer = Object.freeze({ allowed: false });
const CACHED_ALLOWED = Promise.resolve(ALLOWED);

/** The review body: the requester's full identity (user, uid, groups, extra) and `get` on one Secret by name. */
export function secretReadReview(requester: Requester, namespace: string, name: string): V1SubjectAccessReview {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: requester.username,
      ...(requester.uid !== undefined ? { uid: requester.uid } : {}),
      groups: requester.groups,
      extra: requester.extra,
      resourceAttributes: { group: '', version: 'v1', resource: 'secrets', verb: 'get', namespace, name },
    },
  };
}

type Sent = V1SubjectAccessReview | { error: string };

const REVIEWS_PATH = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const NOT_SERVED = 'the API server does not serve authorization.k8s.io/v1 subjectaccessreviews (HTTP 404)';

/** POST one review: a plain pooled request (apiRequest.ts), or client-node for a kubeconfig with a proxy. */
function reviewSender(options: AccessReviewOptions): (body: V1SubjectAccessReview) => Promise<Sent> {
  const post = createApiRequest(options);
  if (post !== undefined) {
    return async (body) => {
      let answer: ApiAnswer;
      try {
        answer = await post(REVIEWS_PATH, body);
      } catch (error: unknown) {
        return { error: reasonOf(transportFailure(error, isTimeout(error), options.timeoutMs)) };
      }
      if (answer.statusCode === 404) return { error: NOT_SERVED };
      if (answer.statusCode < 200 || answer.statusCode > 202)
        return { error: reasonOf(statusFailure(answer.statusCode, answer.statusCode === 401 ? undefined : answer.body)) };
      try {
        return JSON.parse(answer.body) as V1SubjectAccessReview;
      } catch {
        return { error: `the API server answered HTTP ${answer.statusCode} with a body that is not JSON` };
      }
    };
  }
  const authorization = options.kubeConfig.makeApiClient(AuthorizationV1Api);
  const nextCall = boundedCalls({ timeoutMs: options.timeoutMs });
  return async (body) => {
    const call = nextCall();
    try {
      return await authorization.createSubjectAccessReview({ body }, call.options);
    } catch (error: unknown) {
      return { error: reasonOf(lookupFailure(error, call.signal, options.timeoutMs)) };
    } finally {
      call.done();
    }
  };
}

function reasonOf(failure: SecretLookup): string {
  return failure.status === 'error' ? failure.reason : NOT_SERVED;
}

function reviewsCounter(registry: Registry): Counter<'outcome'> {
  return registeredCounter(registry, {
    name: ACCESS_REVIEWS_METRIC,
    help: 'Checks whether an entry author may get a referenced Secret, by outcome: allowed, denied, cached (a recent allowed answer reused), error (the SubjectAccessReview failed; denied).',
    labelNames: ['outcome'] as const,
  });
}
