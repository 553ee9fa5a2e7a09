import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview } from '@kubernetes/client-node';
import { Counter, type Registry } from 'prom-client';
import type { AccessAnswer, CanReadSecret, Requester } from '../validate/readableLookup.js';
import { cacheKey, createAccessCache, type AccessCache } from './accessCache.js';
import { boundedCalls } from './requestOptions.js';
import { lookupFailure } from './secrets.js';

// "May this user get this Secret?" asked of the API server's authorizer (authorization.k8s.io/v1
// SubjectAccessReview, RBAC: create subjectaccessreviews). Bounded by a timeout, over one keep-alive pool (no TLS
// handshake per review); positive answers cached briefly.

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
  const authorization = options.kubeConfig.makeApiClient(AuthorizationV1Api);
  const cache = options.cache ?? createAccessCache();
  const nextCall = boundedCalls({ timeoutMs: options.timeoutMs });
  const reviews = options.registry === undefined ? undefined : reviewsCounter(options.registry);
  const count = (outcome: Outcome): void => reviews?.inc({ outcome });
  // Concurrent reviews asking the same (identity, Secret) share one SubjectAccessReview (a burst of applies);
  // the metric counts reviews sent, so a shared one is counted once.
  const inFlight = new Map<string, Promise<AccessAnswer>>();
  const review = async (requester: Requester, namespace: string, name: string): Promise<AccessAnswer> => {
    const call = nextCall();
    let answer: V1SubjectAccessReview;
    try {
      answer = await authorization.createSubjectAccessReview({ body: secretReadReview(requester, namespace, name) }, call.options);
    } catch (error: unknown) {
      count('error');
      return { error: reviewFailure(error, call.signal, options.timeoutMs) };
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

function reviewFailure(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  const failure = lookupFailure(error, signal, timeoutMs);
  const reason = failure.status === 'error' ? failure.reason : 'the API server does not serve authorization.k8s.io/v1 subjectaccessreviews (HTTP 404)';
  return `the SubjectAccessReview failed: ${reason}`;
}

function reviewsCounter(registry: Registry): Counter<'outcome'> {
  const existing = registry.getSingleMetric(ACCESS_REVIEWS_METRIC);
  if (existing instanceof Counter) return existing as Counter<'outcome'>;
  return new Counter({
    name: ACCESS_REVIEWS_METRIC,
    help: 'Checks whether an entry author may get a referenced Secret, by outcome: allowed, denied, cached (a recent allowed answer reused), error (the SubjectAccessReview failed; denied).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
}
