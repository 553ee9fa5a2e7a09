import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { ControlPlaneInfo } from '../harness/controlPlane.js';

// The e2e suite's second target: a cluster someone else runs (kind, via test/e2e/kind/run.sh), described by
// env vars instead of started by the harness. The test files are the same; only globalSetup's source differs.

export const EXISTING_CLUSTER_ENV = {
  kubeconfig: 'MCP_HF_E2E_KUBECONFIG',
  /** The cluster's client CA (kind: /etc/kubernetes/pki/ca.crt and ca.key), to mint restricted users. */
  clientCaFile: 'MCP_HF_E2E_CLIENT_CA_FILE',
  clientCaKeyFile: 'MCP_HF_E2E_CLIENT_CA_KEY_FILE',
  kubectl: 'MCP_HF_E2E_KUBECTL',
} as const;

export function existingClusterRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env[EXISTING_CLUSTER_ENV.kubeconfig] ?? '') !== '';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(
      `${name} is not set: with ${EXISTING_CLUSTER_ENV.kubeconfig} the suite also needs ${name} (test/e2e/kind/run.sh sets all of them)`,
    );
  return value;
}

/** ControlPlaneInfo for a running cluster; reads its version from the API server. */
export async function existingClusterInfo(env: NodeJS.ProcessEnv = process.env): Promise<ControlPlaneInfo> {
  const kubeconfigPath = required(env, EXISTING_CLUSTER_ENV.kubeconfig);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error(`${EXISTING_CLUSTER_ENV.kubeconfig}=${kubeconfigPath} has no current cluster (set current-context)`);
  const serverCaPem = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString('utf8') : await readFile(cluster.caFile!, 'utf8');
  const version = await config.makeApiClient(VersionApi).getCode();
  const port = Number(new URL(cluster.server).port || 443);
  return {
    server: cluster.server,
    kubeconfigPath,
    kubectlPath: env[EXISTING_CLUSTER_ENV.kubectl] ?? 'kubectl',
    workDir: await mkdtemp(join(tmpdir(), 'mcp-hf-e2e-existing-')),
    serverCaPem,
    clientCaPem: await readFile(required(env, EXISTING_CLUSTER_ENV.clientCaFile), 'utf8'),
    clientCaKeyPem: await readFile(required(env, EXISTING_CLUSTER_ENV.clientCaKeyFile), 'utf8'),
    versions: { kubernetes: version.gitVersion, etcd: 'external' },
    ports: { etcdClient: 0, etcdPeer: 0, apiserver: port, controllerManager: 0 },
  };
}
