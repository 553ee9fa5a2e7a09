import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startControlPlane, type ControlPlaneInfo } from './harness/controlPlane.js';
import { buildDistIfStale } from './harness/distBuild.js';
import { EXISTING_CLUSTER_ENV, existingClusterInfo, existingClusterRequested } from './kind/existingCluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
  }
}

const log = (line: string): void => void process.stderr.write(`[e2e] ${line}\n`);

// One control plane for the whole e2e run: builds binaries on the first run, then starts in seconds.
// With MCP_HF_E2E_KUBECONFIG set (test/e2e/kind/run.sh), the same tests run against that cluster instead.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  if (existingClusterRequested()) {
    await buildDistIfStale(log);
    const info = await existingClusterInfo();
    log(`using the existing cluster at ${info.server} (${EXISTING_CLUSTER_ENV.kubeconfig}), Kubernetes ${info.versions.kubernetes}`);
    project.provide('controlPlane', info);
    return async () => {
      await rm(info.workDir, { recursive: true, force: true });
    };
  }
  // The suite runs the CLI from dist/, as users do; rebuild it if a source changed since `make build`.
  const [controlPlane, dist] = await Promise.allSettled([startControlPlane({ log }), buildDistIfStale(log)]);
  if (controlPlane.status === 'rejected') throw controlPlane.reason;
  if (dist.status === 'rejected') {
    await controlPlane.value.stop();
    throw dist.reason;
  }
  log(`e2e setup took ${((Date.now() - started) / 1000).toFixed(1)}s`);
  project.provide('controlPlane', controlPlane.value.info);
  return async () => {
    await controlPlane.value.stop();
  };
}
