import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { MODE_LABEL } from '../../../contract/labels.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { parseWarningHeader } from '../warningHeader.js';
import { probeVersion } from '../admissionProbe.js';
import { describeTransportError } from '../../apiErrors.js';
import type { CheckTarget, CrdFacts, SecretGuardProbeFacts } from '../types.js';
import { withTimeout } from './calls.js';
import { namespaceLabels, refusal } from './probe.js';

// The Secret guard sees only DELETEs and key-removing UPDATEs of Secrets that exist, so check cannot make up a
// probe object the way it does for entries and pods: it dry-runs the DELETE (dryRun=All: nothing is deleted) of
// a Secret an MCPServerEntry of the probe namespace forwards from, which the guard refuses (enforce) or warns
// about (warn). The Secret itself is never read.

interface StoredEntry {
  metadata?: { name?: string; deletionTimestamp?: string };
  spec?: { headerForward?: { addHeadersFromSecret?: { valueSecretRef?: { name?: string } }[] } };
}

/** The first (by entry, then Secret name) Secret an entry not being deleted forwards from. */
export function forwardedSecret(entries: readonly StoredEntry[]): { entry: string; secret: string } | undefined {
  const pairs = entries
    .filter((e) => e.metadata?.deletionTimestamp === undefined)
    .flatMap((e) =>
      (e.spec?.headerForward?.addHeadersFromSecret ?? []).map((h) => ({
        entry: e.metadata?.name ?? '',
        secret: h.valueSecretRef?.name ?? '',
      })),
    )
    .filter((p) => p.entry !== '' && p.secret !== '')
    .sort((a, b) => (a.entry === b.entry ? (a.secret < b.secret ? -1 : 1) : a.entry < b.entry ? -1 : 1));
  return pairs[0];
}

export async function runSecretGuardProbe(
  kubeConfig: KubeConfig,
  target: CheckTarget,
  entriesCrd: CrdFacts | undefined,
  timeoutMs: number,
): Promise<SecretGuardProbeFacts> {
  const namespace = target.probeNamespace;
  const version = probeVersion(entriesCrd?.read.status === 'found' ? entriesCrd.read.value.servedVersions : []);
  if (version === undefined)
    return { skipped: `the ${ENTRY_PLURAL}.${TOOLHIVE_GROUP} CRD serves no version the webhook is registered for` };
  let found: { entry: string; secret: string } | undefined;
  try {
    const list = (await withTimeout(
      kubeConfig
        .makeApiClient(CustomObjectsApi)
        .listNamespacedCustomObject({ group: TOOLHIVE_GROUP, version, namespace, plural: ENTRY_PLURAL }),
      timeoutMs,
      `listing MCPServerEntries in namespace ${namespace}`,
    )) as { items?: StoredEntry[] };
    found = forwardedSecret(list.items ?? []);
  } catch (error: unknown) {
    return { skipped: `cannot list MCPServerEntries in namespace ${namespace}: ${describeTransportError(error).message}` };
  }
  if (found === undefined)
    return {
      skipped: `no MCPServerEntry in namespace ${namespace} forwards a header from a Secret (--probe-namespace picks one that does)`,
    };
  const namespaceMode = (await namespaceLabels(kubeConfig, namespace, timeoutMs))[MODE_LABEL];
  const facts = { namespace, ...found, namespaceMode };
  try {
    const call = kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespacedSecretWithHttpInfo({ namespace, name: found.secret, dryRun: 'All', propagationPolicy: 'Background' });
    const response = await withTimeout(call, timeoutMs, 'the dry-run Secret delete');
    return { ...facts, outcome: { allowed: true, warnings: parseWarningHeader(response.headers['warning']) } };
  } catch (error: unknown) {
    return { ...facts, outcome: refusal(error) };
  }
}
