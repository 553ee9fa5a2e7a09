import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiException, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { connect } from '../harness/cluster.js';
import { EXISTING_CLUSTER_ENV, existingClusterInfo, existingClusterRequested } from './existingCluster.js';

// The kind target, exercised here against the harness's own API server treated as "someone else's cluster":
// what run.sh hands the suite is enough to reach it as admin and to mint RBAC-restricted users.

const harness = inject('controlPlane');

async function envForHarness(): Promise<NodeJS.ProcessEnv> {
  const dir = await mkdtemp(join(harness.workDir, 'existing-'));
  await writeFile(join(dir, 'ca.crt'), harness.clientCaPem);
  await writeFile(join(dir, 'ca.key'), harness.clientCaKeyPem, { mode: 0o600 });
  return {
    [EXISTING_CLUSTER_ENV.kubeconfig]: harness.kubeconfigPath,
    [EXISTING_CLUSTER_ENV.clientCaFile]: join(dir, 'ca.crt'),
    [EXISTING_CLUSTER_ENV.clientCaKeyFile]: join(dir, 'ca.key'),
    [EXISTING_CLUSTER_ENV.kubectl]: harness.kubectlPath,
  };
}

describe('an existing cluster as the e2e target', () => {
  it('is requested by MCP_HF_E2E_KUBECONFIG only', () => {
    expect(existingClusterRequested({})).toBe(false);
    expect(existingClusterRequested({ [EXISTING_CLUSTER_ENV.kubeconfig]: '/k' })).toBe(true);
  });

  it('is described from its kubeconfig and client CA, with the version the API server reports', async () => {
    const info = await existingClusterInfo(await envForHarness());
    expect(info).toMatchObject({
      server: harness.server,
      serverCaPem: harness.serverCaPem,
      versions: { kubernetes: harness.versions.kubernetes },
    });
  });

  it('gives tests restricted users that RBAC applies to', async () => {
    const cluster = connect(await existingClusterInfo(await envForHarness()));
    const stranger = (await cluster.userKubeConfig('kind-e2e-stranger')).makeApiClient(CoreV1Api);
    const error = await stranger.listNamespacedSecret({ namespace: 'default' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect((error as ApiException<unknown>).code).toBe(403);
  });

  it('says which variable is missing', async () => {
    const env = await envForHarness();
    delete env[EXISTING_CLUSTER_ENV.clientCaKeyFile];
    await expect(existingClusterInfo(env)).rejects.toThrow(/MCP_HF_E2E_CLIENT_CA_KEY_FILE is not set/);
  });
});
