import { ApiException, CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { LeaseConflict, type LeaseApi } from './leaderElection.js';

// The election's only API access: get, create and update one named Lease (RBAC: a Role in its namespace).

export function leaseApi(kubeConfig: KubeConfig, namespace: string, name: string): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const conflict = (error: unknown): never => {
    if (error instanceof ApiException && error.code === 409) throw new LeaseConflict(`Lease ${namespace}/${name} changed under us`);
    throw error;
  };
  return {
    async get(): Promise<V1Lease | undefined> {
      try {
        return await api.readNamespacedLease({ name, namespace });
      } catch (error: unknown) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    },
    create: (lease) => api.createNamespacedLease({ namespace, body: lease }).catch(conflict),
    replace: (lease) => api.replaceNamespacedLease({ name, namespace, body: lease }).catch(conflict),
  };
}
