import type { TestProject } from 'vitest/node';
import { startControlPlane, type ControlPlaneInfo } from './harness/controlPlane.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo;
  }
}

// One control plane for the whole e2e run: builds binaries on the first run, then starts in seconds.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const controlPlane = await startControlPlane();
  project.provide('controlPlane', controlPlane.info);
  return async () => {
    await controlPlane.stop();
  };
}
