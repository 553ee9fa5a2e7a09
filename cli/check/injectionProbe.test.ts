import type { V1Pod } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CHECK_REVIEWED_ANNOTATION } from '../../contract/labels.js';
import { ToolhiveIndex } from '../../webhook/cluster/toolhiveIndex.js';
import { mutateRoute } from '../../webhook/endpoints/mutate.js';
import { DEFAULT_SETTINGS } from '../../webhook/mutate/settings.js';
import { MUTATING_WEBHOOK_NAME, mutatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { injectionProbeCheck, probePod } from './injectionProbe.js';
import { DEFAULT_TARGET as target } from './target.js';
import type { InjectionProbeFacts } from './types.js';

const probe = { namespace: 'default', name: 'mcp-header-forward-check-abc123', nonce: '0123456789abcdef', namespaceInjectLabel: undefined };
const admitted = (reviewed: string | undefined, extra: Partial<InjectionProbeFacts> = {}): InjectionProbeFacts => ({
  ...probe,
  ...extra,
  outcome: { allowed: true, reviewed },
});
const refused = (message: string, code: number | undefined = 500): InjectionProbeFacts => ({
  ...probe,
  outcome: { allowed: false, code, message },
});

/** What the webhook's own /mutate route answers for the probe pod, applied as the API server applies it. */
async function answeredPod(dryRun: boolean | undefined, synced = true): Promise<V1Pod> {
  const pod = probePod(probe) as V1Pod;
  const route = mutateRoute({ lookup: new ToolhiveIndex(), synced: () => synced, settings: DEFAULT_SETTINGS });
  const verdict = await route.review(
    {
      uid: 'u',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: probe.namespace,
      operation: 'CREATE',
      object: pod as unknown as Record<string, unknown>,
      ...(dryRun === undefined ? {} : { dryRun }),
    },
    { logger: pino({ level: 'silent' }) },
  );
  expect(verdict.allowed).toBe(true);
  return fastJsonPatch.applyPatch(structuredClone(pod), verdict.patch ?? [], true, false).newDocument;
}

describe('the probe pod', () => {
  it('is selected by the injection webhook: its objectSelector labels, in a namespace its namespaceSelector takes', () => {
    const webhook = mutatingWebhookConfiguration().webhooks[0]!;
    const labels = (probePod(probe) as V1Pod).metadata!.labels!;
    expect(labels).toMatchObject(webhook.objectSelector!.matchLabels!);
    expect(webhook.namespaceSelector!.matchExpressions![0]!.values).not.toContain(probe.namespace);
  });

  it("comes back from our /mutate with the nonce echoed, on a dry run only, whether or not the webhook's informers synced", async () => {
    expect((await answeredPod(true)).metadata!.annotations![CHECK_REVIEWED_ANNOTATION]).toBe(probe.nonce);
    expect((await answeredPod(true, false)).metadata!.annotations![CHECK_REVIEWED_ANNOTATION]).toBe(probe.nonce);
    // A stored pod is never marked: without dryRun the probe annotation means nothing (a skipped vMCP pod here).
    expect((await answeredPod(false)).metadata!.annotations![CHECK_REVIEWED_ANNOTATION]).toBeUndefined();
    expect((await answeredPod(undefined)).metadata!.annotations![CHECK_REVIEWED_ANNOTATION]).toBeUndefined();
  });
});

describe('injectionProbeCheck', () => {
  it('passes when the returned pod carries our annotation with this nonce', () => {
    expect(injectionProbeCheck(admitted(probe.nonce), target)).toMatchObject({
      id: 'injection-probe',
      title: 'Dry-run vMCP pod default/mcp-header-forward-check-abc123 answered by the injector',
      status: 'pass',
    });
  });

  it('fails without the annotation (or with another nonce): the injector was not called', () => {
    for (const reviewed of [undefined, 'another-nonce']) {
      const result = injectionProbeCheck(admitted(reviewed), target);
      expect(result).toMatchObject({ status: 'fail', detail: 'admitted without our annotation: the API server did not call the injector' });
      expect(result.fix).toContain(`webhook ${MUTATING_WEBHOOK_NAME} for pods`);
    }
  });

  it('names the reason when the probe namespace is one the injector never selects', () => {
    expect(injectionProbeCheck(admitted(undefined, { namespaceInjectLabel: 'disabled' }), target)).toMatchObject({
      status: 'fail',
      detail:
        'admitted unchanged: namespace default is labelled mcp-header-forward.dev/inject=disabled, so the injector is not called there',
      fix: 'pass --probe-namespace with a namespace the injector selects',
    });
    expect(injectionProbeCheck(admitted(undefined, { namespace: 'kube-system' }), target).detail).toContain(
      'namespace kube-system is never injected',
    );
  });

  it('fails on a call the API server could not make, with the fix for its cause', () => {
    const result = injectionProbeCheck(
      refused(
        `Internal error occurred: failed calling webhook "${MUTATING_WEBHOOK_NAME}": failed to call webhook: x509: certificate signed by unknown authority`,
      ),
      target,
    );
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringContaining('the API server could not call the injector: ') });
    expect(result.fix).toContain('the caBundle does not trust the certificate the webhook pods serve');
  });

  it('fails when the caller may not create pods, or someone else refused the pod first', () => {
    expect(injectionProbeCheck(refused('pods is forbidden: User "jane" cannot create resource "pods"', 403), target).fix).toContain(
      'the probe needs create on pods in namespace default',
    );
    expect(injectionProbeCheck(refused('admission webhook "policy.example.com" denied the request: no', 403), target)).toMatchObject({
      status: 'fail',
      detail: 'refused before it reached the injector (HTTP 403): admission webhook "policy.example.com" denied the request: no',
    });
  });
});
