import type { TestProject } from 'vitest/node';
import { buildDistIfStale } from '../harness/distBuild.js';
import { startNodeCluster, type NodeClusterInfo } from './nodeCluster.js';
import { nodeUnavailableReason } from './requirements.js';

declare module 'vitest' {
  export interface ProvidedContext {
    realNode: { info: NodeClusterInfo } | { unavailable: string };
  }
}

const log = (line: string): void => void process.stderr.write(`[node] ${line}\n`);

// One real node for the whole `node` project. Where the machine cannot run it (not root, packages missing), one
// line says what is missing and how to get it, and the suite's tests are skipped; never silently.
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const unavailable = nodeUnavailableReason();
  if (unavailable !== undefined) {
    log(unavailable);
    project.provide('realNode', { unavailable });
    return undefined;
  }
  await buildDistIfStale(log);
  const cluster = await startNodeCluster({ log });
  project.provide('realNode', { info: cluster.info });
  return () => cluster.stop();
}
