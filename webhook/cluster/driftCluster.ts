import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { VMCP_NAME_LABEL, VMCP_NAME_VALUE } from '../../contract/labels.js';
import type { DriftCluster, EvictOutcome } from '../drift/controller.js';

// The drift loop's API access: LIST vMCP pods by label selector (never other pods) and POST their eviction
// subresource, so PodDisruptionBudgets decide whether a pod may go now. RBAC: pods list, pods/eviction create.

export const VMCP_POD_SELECTOR = `${VMCP_NAME_LABEL}=${VMCP_NAME_VALUE}`;

/** `extraSelector` (e.g. `tier=canary`) narrows the vMCP pods further; it can never widen the selection. */
export function driftCluster(kubeConfig: KubeConfig, extraSelector = ''): DriftCluster {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const labelSelector = extraSelector === '' ? VMCP_POD_SELECTOR : `${VMCP_POD_SELECTOR},${extraSelector}`;
  return {
    async listVmcpPods(): Promise<V1Pod[]> {
      const list = await core.listPodForAllNamespaces({ labelSelector });
      return list.items;
    },
    async evict(namespace, name): Promise<EvictOutcome> {
      try {
        await core.createNamespacedPodEviction({
          name,
          namespace,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } },
        });
        return 'evicted';
      } catch (error: unknown) {
        if (error instanceof ApiException && error.code === 429) return 'blocked';
        if (error instanceof ApiException && error.code === 404) return 'gone';
        throw error;
      }
    },
  };
}
