import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { STATUS_ANNOTATION } from '../../contract/labels.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { contextFromObjects, injectPod } from '../mutate/inject.js';
import { loadFixture, TEST_NAMESPACE } from '../../test/unit/webhook/mutateFixtures.js';
import { hasSidecar, podFinding } from './finding.js';

// The desired state is the injector's own plan: a pod the injector just produced is `ok`, and each kind of
// drift is made by changing what the injector would see, never by writing an expected hash by hand.

const fx = loadFixture('basic-native');
const ctxWith = (entries: readonly MCPServerEntry[], settings = fx.settings) =>
  contextFromObjects({ vmcps: fx.vmcps, entries }, { namespace: TEST_NAMESPACE, settings });

function injected(): V1Pod {
  const result = injectPod(fx.pod, ctxWith(fx.entries));
  expect(result.decision.inject).toBe(true);
  return result.plan!.pod;
}

describe('podFinding', () => {
  it('a pod as the injector made it is ok, with equal hashes', () => {
    const pod = injected();
    const finding = podFinding(pod, ctxWith(fx.entries));
    expect(finding.finding).toBe('ok');
    expect(finding.actualHash).toBe(pod.metadata!.annotations![STATUS_ANNOTATION]);
    expect(finding.desiredHash).toBe(finding.actualHash);
  });

  it('a vMCP pod admitted without the webhook is missing', () => {
    expect(hasSidecar(fx.pod)).toBe(false);
    const finding = podFinding(fx.pod, ctxWith(fx.entries));
    expect(finding.finding).toBe('missing');
    expect(finding.desiredHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('an entry edit after admission makes the pod stale', () => {
    const pod = injected();
    const edited = structuredClone(fx.entries);
    const forwarding = edited.find((e) => e.spec.headerForward !== undefined)!;
    forwarding.spec.headerForward = { ...forwarding.spec.headerForward, addPlaintextHeaders: { 'X-New': 'v2' } };
    const finding = podFinding(pod, ctxWith(edited));
    expect(finding.finding).toBe('stale');
    expect(finding.actualHash).not.toBe(finding.desiredHash);
  });

  it('a settings change (sidecar image) makes the pod stale too', () => {
    const pod = injected();
    expect(podFinding(pod, ctxWith(fx.entries, { ...fx.settings, image: 'ghcr.io/example/mcp-header-forward:v0.2.0' })).finding).toBe(
      'stale',
    );
  });

  it('knows the --toolhive-forwarding mode: a pod sealed under one mode is stale or orphaned under another', () => {
    const op = loadFixture('toolhive-operator');
    const ctx = (mode: 'seal' | 'defer' | 'ignore') =>
      contextFromObjects(
        { vmcps: op.vmcps, entries: op.entries },
        { namespace: TEST_NAMESPACE, settings: { ...op.settings, toolhiveForwarding: mode } },
      );
    const sealed = injectPod(op.pod, ctx('seal')).plan!.pod;
    expect(podFinding(sealed, ctx('seal')).finding).toBe('ok');
    expect(podFinding(sealed, ctx('ignore')).finding).toBe('stale');
    expect(podFinding(sealed, ctx('defer')).finding).toBe('orphaned');
    const ignored = injectPod(op.pod, ctx('ignore')).plan!.pod;
    expect(podFinding(ignored, ctx('ignore')).finding).toBe('ok');
    expect(podFinding(ignored, ctx('seal')).finding).toBe('stale');
    expect(podFinding(op.pod, ctx('defer')).finding).toBe('ok');
  });

  it('a sidecar whose entries stopped forwarding is orphaned; a plain pod then is ok', () => {
    const pod = injected();
    const none = fx.entries.map((e) => ({ ...e, spec: { ...e.spec, headerForward: undefined } })) as MCPServerEntry[];
    expect(podFinding(pod, ctxWith(none)).finding).toBe('orphaned');
    expect(podFinding(fx.pod, ctxWith(none)).finding).toBe('ok');
  });

  it('a vMCP pod without the vmcp container cannot be planned and says why', () => {
    const pod = structuredClone(fx.pod);
    pod.spec!.containers = pod.spec!.containers.map((c) => ({ ...c, name: 'other' }));
    const finding = podFinding(pod, ctxWith(fx.entries));
    expect(finding.finding).toBe('ok');
    expect(finding.message).toContain('no container named');
  });
});
