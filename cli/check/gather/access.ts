import { AuthorizationV1Api, type KubeConfig, type V1ResourceAttributes } from '@kubernetes/client-node';
import type { ResourceAsk } from '../../../webhook/registrations/rbac.js';
import type { AccessAnswer } from '../types.js';
import { withTimeout } from './calls.js';

// The authorizer, asked in parallel: SubjectAccessReviews on behalf of the webhook's ServiceAccount, and
// SelfSubjectAccessReviews for the person running `check --pre`. A review that cannot be made throws: the
// caller turns that into one "cannot ask" fact rather than a list of false denials.

function attributes(ask: ResourceAsk): V1ResourceAttributes {
  return {
    verb: ask.verb,
    group: ask.group,
    resource: ask.resource,
    ...(ask.subresource === undefined ? {} : { subresource: ask.subresource }),
    ...(ask.namespace === undefined ? {} : { namespace: ask.namespace }),
    ...(ask.name === undefined ? {} : { name: ask.name }),
  };
}

function answerOf(
  ask: ResourceAsk,
  status: { allowed: boolean; reason?: string; evaluationError?: string } | undefined,
): AccessAnswer<ResourceAsk> {
  const reason = status?.evaluationError || status?.reason;
  return { ask, allowed: status?.allowed === true, ...(reason === undefined || reason === '' ? {} : { reason }) };
}

export function askFor(
  kubeConfig: KubeConfig,
  subject: { user: string; groups: string[] },
  asks: readonly ResourceAsk[],
  timeoutMs: number,
): Promise<AccessAnswer<ResourceAsk>[]> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return Promise.all(
    asks.map(async (ask) => {
      const review = await withTimeout(
        api.createSubjectAccessReview({ body: { spec: { ...subject, resourceAttributes: attributes(ask) } } }),
        timeoutMs,
        `asking whether ${subject.user} may ${ask.verb} ${ask.resource}`,
      );
      return answerOf(ask, review.status);
    }),
  );
}

export function askForSelf(kubeConfig: KubeConfig, asks: readonly ResourceAsk[], timeoutMs: number): Promise<AccessAnswer<ResourceAsk>[]> {
  const api = kubeConfig.makeApiClient(AuthorizationV1Api);
  return Promise.all(
    asks.map(async (ask) => {
      const review = await withTimeout(
        api.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attributes(ask) } } }),
        timeoutMs,
        `asking whether you may ${ask.verb} ${ask.resource}`,
      );
      return answerOf(ask, review.status);
    }),
  );
}
