import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binaryCacheRoot, PROJECT_ROOT } from '../test/e2e/harness/paths.js';
import {
  buildProjectImage,
  ensureNodeBaseImage,
  exportOciArchive,
  machineNodeBaseInputs,
  type ImageStore,
} from '../test/e2e/node/images.js';
import { IMAGE_REPOSITORY } from '../webhook/mutate/settings.js';

// The image, built from the Dockerfile with buildah exactly as the real-node suite builds it (test/e2e/node/
// images.ts), exported as an OCI archive. No registry for container images is reachable here, so the
// Dockerfile's base (node:24-bookworm-slim) is the one that code assembles from this machine's Node.js 24.

/** A store of its own: the node suite removes its run state at teardown, and two runs must not share one. */
export function packageImageStore(env: NodeJS.ProcessEnv = process.env): ImageStore {
  return { root: join(binaryCacheRoot(env), '..', 'buildah-package'), runroot: '/run/mhf-package/buildah' };
}

export interface BuiltImage {
  name: string;
  digest: string;
  buildSeconds: number;
}

export async function buildImageArchive(archive: string, version: string, epoch: number, log: (line: string) => void): Promise<BuiltImage> {
  const store = packageImageStore();
  const dockerfile = await readFile(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  await ensureNodeBaseImage(store, await machineNodeBaseInputs(), dockerfile);
  const name = `${IMAGE_REPOSITORY}:${version}`;
  const buildSeconds = await buildProjectImage(store, name, dockerfile, log, { timestamp: epoch });
  return { name, digest: await exportOciArchive(store, name, archive, epoch), buildSeconds };
}
