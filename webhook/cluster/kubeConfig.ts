import { KubeConfig } from '@kubernetes/client-node';

/**
 * `--kubeconfig PATH` when given; otherwise client-node's default order: $KUBECONFIG, ~/.kube/config,
 * then the in-cluster service account.
 */
export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (path !== undefined) kubeConfig.loadFromFile(path);
    else kubeConfig.loadFromDefault();
  } catch (error: unknown) {
    const where = path !== undefined ? `--kubeconfig ${path}` : 'the default kubeconfig ($KUBECONFIG, ~/.kube/config or in-cluster)';
    throw new Error(`cannot load ${where}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (kubeConfig.getCurrentCluster() === null) {
    throw new Error(
      path !== undefined
        ? `--kubeconfig ${path} has no current cluster (set current-context)`
        : 'no Kubernetes API server configured: pass --kubeconfig, set KUBECONFIG, or run in a pod',
    );
  }
  return kubeConfig;
}
