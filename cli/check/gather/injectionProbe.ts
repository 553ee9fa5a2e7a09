import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { CHECK_REVIEWED_ANNOTATION, INJECT_NAMESPACE_LABEL } from '../../../contract/labels.js';
import { probePod } from '../injectionProbe.js';
import type { CheckTarget, InjectionProbeFacts } from '../types.js';
import { withTimeout } from './calls.js';
import { namespaceLabels, refusal } from './probe.js';

// The dry-run pod create (dryRun=All: admission runs, nothing is stored): the pod the API server answers with
// is the one it would have stored, our injector's patch applied.

export async function runInjectionProbe(kubeConfig: KubeConfig, target: CheckTarget, timeoutMs: number): Promise<InjectionProbeFacts> {
  const namespace = target.probeNamespace;
  const suffix = randomBytes(3).toString('hex');
  const facts = {
    namespace,
    name: `mcp-header-forward-check-${suffix}`,
    nonce: randomBytes(8).toString('hex'),
    namespaceInjectLabel: (await namespaceLabels(kubeConfig, namespace, timeoutMs))[INJECT_NAMESPACE_LABEL],
  };
  try {
    const create = kubeConfig.makeApiClient(CoreV1Api).createNamespacedPod({ namespace, body: probePod(facts), dryRun: 'All' });
    const pod = await withTimeout(create, timeoutMs, 'the dry-run pod create');
    return { ...facts, outcome: { allowed: true, reviewed: pod.metadata?.annotations?.[CHECK_REVIEWED_ANNOTATION] } };
  } catch (error: unknown) {
    return { ...facts, outcome: refusal(error) };
  }
}
