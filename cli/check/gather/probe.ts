import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { MODE_LABEL } from '../../../contract/labels.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { probeEntry, probeVersion } from '../admissionProbe.js';
import { describeTransportError } from '../../apiErrors.js';
import type { CheckTarget, CrdFacts, ProbeFacts } from '../types.js';
import { withTimeout } from './calls.js';

// The dry-run create (dryRun=All: admission runs, nothing is stored). The API server's refusal is the fact:
// its Status message says who refused and why.

function statusMessage(body: unknown): string | undefined {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown } | null;
    return typeof parsed?.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/** The probe namespace's labels; none when it cannot be read (the probe's own answer then says why). */
export function namespaceLabels(kubeConfig: KubeConfig, namespace: string, timeoutMs: number): Promise<Record<string, string>> {
  return withTimeout(kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace }), timeoutMs, 'reading the probe namespace').then(
    (read) => read.metadata?.labels ?? {},
    () => ({}),
  );
}

/** The refusal as facts: HTTP status and the Status message (who refused, and why). */
export function refusal(error: unknown): { allowed: false; code: number | undefined; message: string } {
  const code = (error as { code?: unknown }).code;
  const message = statusMessage((error as { body?: unknown }).body) ?? describeTransportError(error).message;
  return { allowed: false, code: typeof code === 'number' ? code : undefined, message };
}

export async function runProbe(
  kubeConfig: KubeConfig,
  target: CheckTarget,
  entriesCrd: CrdFacts | undefined,
  timeoutMs: number,
): Promise<ProbeFacts | { skipped: string }> {
  const served = entriesCrd?.read.status === 'found' ? entriesCrd.read.value.servedVersions : [];
  const apiVersion = probeVersion(served);
  if (apiVersion === undefined)
    return { skipped: `the ${ENTRY_PLURAL}.${TOOLHIVE_GROUP} CRD serves no version the webhook is registered for` };
  const namespace = target.probeNamespace;
  const name = `mcp-header-forward-check-${randomBytes(3).toString('hex')}`;
  const namespaceMode = (await namespaceLabels(kubeConfig, namespace, timeoutMs))[MODE_LABEL];
  const facts = { namespace, name, apiVersion, namespaceMode };
  try {
    const create = kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: apiVersion,
      namespace,
      plural: ENTRY_PLURAL,
      body: probeEntry(facts),
      dryRun: 'All',
    });
    await withTimeout(create, timeoutMs, 'the dry-run create');
    return { ...facts, outcome: { allowed: true } };
  } catch (error: unknown) {
    return { ...facts, outcome: refusal(error) };
  }
}
