import { AuthorizationV1Api, type KubeConfig, type V1SubjectAccessReview } from '@kubernetes/client-node';
import type { AccessAnswer, CanReadSecret, Requester } from '../validate/readableLookup.js';
import { createAccessCache, type AccessCache } from './accessCache.js';
import { boundedCalls } from './requestOptions.js';
import { lookupFailure } from './secrets.js';

// "May this user get this Secret?" asked of the API server's authorizer (authorization.k8s.io/v1
// SubjectAccessReview, RBAC: create subjectaccessreviews). Bounded by a timeout, over one keep-alive pool (no TLS
// handshake per review); positive answers cached briefly.

export interface AccessReviewOptions {
  kubeConfig: KubeConfig;
  timeoutMs: number;
  cache?: AccessCache;
}

export function createSecretReadCheck(options: AccessReviewOptions): CanReadSecret {
  const authorization = options.kubeConfig.makeApiClient(AuthorizationV1Api);
  const cache = options.cache ?? createAccessCache();
  const nextCall = boundedCalls({ timeoutMs: options.timeoutMs });
  return async (requester, namespace, name): Promise<AccessAnswer> => {
    if (cache.allowed(requester, namespace, name)) return { allowed: true };
    const call = nextCall();
    let review: V1SubjectAccessReview;
    try {
      review = await authorization.createSubjectAccessReview(
        { body: secretReadReview(requester, namespace, name) },
        call.options,
      );
    } catch (error: unknown) {
      return { error: reviewFailure(error, call.signal, options.timeoutMs) };
    }
    const allowed = review.status?.allowed === true && review.status.denied !== true;
    if (allowed) cache.rememberAllowed(requester, namespace, name);
    return { allowed };
  };
}

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
