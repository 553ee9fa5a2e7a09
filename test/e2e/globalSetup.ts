import type { TestProject } from 'vitest/node';
import { startControlPlane, type ControlPlaneInfo } from './harness/controlPlane.js';
import { buildDistIfStale } from './harness/distBuild.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
  }
}

const log = (line: string): void => void process.stderr.write(`[e2e] ${line}\n`);

// One control plane for the whole e2e run: builds binaries on the first run, then starts in seconds.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
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
