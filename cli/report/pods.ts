import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import { VMCP_PLURAL } from '../../contract/toolhive.js';
import { VMCP_POD_SELECTOR } from '../../webhook/cluster/driftCluster.js';
import { listToolhive } from '../../webhook/cluster/entryList.js';
import { ToolhiveIndex } from '../../webhook/cluster/toolhiveIndex.js';
import { checkPod, type PodCheckDeps } from '../../webhook/drift/checkPod.js';
import { createSecretFollower } from '../../webhook/drift/secretFollower.js';
import type { InjectSettings } from '../../webhook/mutate/settings.js';
import { podItem } from '../../webhook/report/podItem.js';
import type { ReportItem } from '../../webhook/report/types.js';
import type { GetSecret } from '../../webhook/validate/lookup.js';
import { describeApiError } from '../apiErrors.js';
import { injectSettingsFrom, type SidecarFlagValues } from '../flags/injector.js';

// `report --pods`: every vMCP pod in scope through the drift loop's own check (checkPod: the injector's engine),
// with this user's identity. The injector's settings are the report's own flags, read as the webhook reads
// them in its pod: POD_NAMESPACE is the --webhook namespace and KUBERNETES_SERVICE_HOST the `kubernetes` Service's IP.

export interface PodReportOptions {
  /** undefined: all namespaces. */
  namespace: string | undefined;
  sidecar: SidecarFlagValues;
  webhookNamespace: string;
  followSecrets: boolean;
  requireHostBinding: boolean;
  getSecret: GetSecret;
}

export async function collectPodItems(
  kubeConfig: KubeConfig,
  rawEntries: readonly unknown[],
  options: PodReportOptions,
): Promise<ReportItem[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const settings = await settingsLikeTheWebhook(core, options);
  const where = options.namespace === undefined ? 'in all namespaces' : `in namespace ${JSON.stringify(options.namespace)}`;
  const [rawVmcps, pods] = await Promise.all([
    listToolhive(kubeConfig, VMCP_PLURAL, options.namespace).catch((error: unknown) => {
      throw new Error(
        `cannot list VirtualMCPServers ${where}: ${describeApiError(error)} (report --pods needs list on virtualmcpservers.toolhive.stacklok.dev)`,
      );
    }),
    listVmcpPods(core, options.namespace).catch((error: unknown) => {
      throw new Error(`cannot list vMCP pods ${where}: ${describeApiError(error)} (report --pods needs list on pods)`);
    }),
  ]);
  const index = new ToolhiveIndex();
  for (const raw of rawVmcps) index.upsertVmcp(raw);
  for (const raw of rawEntries) index.upsertEntry(raw);
  const labels = await namespaceLabels(core, [...new Set(pods.map((p) => p.metadata?.namespace ?? ''))]);
  const deps: PodCheckDeps = {
    lookup: index,
    injectLabel: (namespace) => {
      const read = labels.get(namespace);
      return read === undefined || 'error' in read ? undefined : read.labels[INJECT_NAMESPACE_LABEL];
    },
    settings,
    hostBinding: { getSecret: options.getSecret, requireHostBinding: options.requireHostBinding },
    // One run sees each Secret once: a rotation counts when the API server's data-write time is after the start.
    ...(options.followSecrets ? { follower: createSecretFollower(Date.now) } : {}),
  };
  const items: ReportItem[] = [];
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? '';
    const read = labels.get(namespace);
    items.push(
      podItem(
        pod,
        read === undefined || 'error' in read
          ? {
              error: `cannot read namespace ${JSON.stringify(namespace)}: ${read?.error ?? 'not read'} (its ${INJECT_NAMESPACE_LABEL} label decides injection; report --pods needs get on namespaces)`,
            }
          : await checkPod(pod, deps),
      ),
    );
  }
  return items;
}

async function settingsLikeTheWebhook(core: CoreV1Api, options: PodReportOptions): Promise<InjectSettings> {
  const env: NodeJS.ProcessEnv = { POD_NAMESPACE: options.webhookNamespace };
  if (options.sidecar.apiServerHost === undefined) {
    const service = await core.readNamespacedService({ namespace: 'default', name: 'kubernetes' }).catch((error: unknown) => {
      throw new Error(
        `cannot read Service default/kubernetes: ${describeApiError(error)}. The webhook puts its cluster IP in NO_PROXY; pass --api-server-host with the webhook's own value instead`,
      );
    });
    if (service.spec?.clusterIP !== undefined) env['KUBERNETES_SERVICE_HOST'] = service.spec.clusterIP;
  }
  return injectSettingsFrom(options.sidecar, env);
}

async function listVmcpPods(core: CoreV1Api, namespace: string | undefined): Promise<V1Pod[]> {
  const list =
    namespace === undefined
      ? await core.listPodForAllNamespaces({ labelSelector: VMCP_POD_SELECTOR })
      : await core.listNamespacedPod({ namespace, labelSelector: VMCP_POD_SELECTOR });
  return list.items;
}

/** Labels by namespace; a namespace that cannot be read says why (its pods are reported as not checked). */
async function namespaceLabels(
  core: CoreV1Api,
  names: readonly string[],
): Promise<Map<string, { labels: Record<string, string> } | { error: string }>> {
  const labels = new Map<string, { labels: Record<string, string> } | { error: string }>();
  await Promise.all(
    names.map(async (name) => {
      const read = await core.readNamespace({ name }).then(
        (namespace) => ({ labels: namespace.metadata?.labels ?? {} }),
        (error: unknown) => ({ error: describeApiError(error) }),
      );
      labels.set(name, read);
    }),
  );
  return labels;
}
