import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildStamp, isExecutable } from '../../test/e2e/harness/binaries.js';
import { buildIntoCache, hasStamp, runGoBuild } from '../../test/e2e/harness/goBuild.js';
import { requiredVersion } from '../../test/e2e/harness/goModule.js';
import { binaryCacheRoot } from '../../test/e2e/harness/paths.js';
import { KYVERNO_MODULE } from '../../test/e2e/harness/policyReportCrd.js';
import { BENCH_DIR } from '../paths.js';

// Kyverno's admission controller (cmd/kyverno) built from its published Go module, pinned in
// bench/gobuild/kyverno/go.mod, into the harness's binary cache keyed by version: the first run pays the build
// (about 15 minutes on 2 cores), later runs find it.

export const KYVERNO_GOBUILD_DIR = join(BENCH_DIR, 'gobuild', 'kyverno');
const COMMAND = `${KYVERNO_MODULE}/cmd/kyverno`;

export interface KyvernoBinary {
  path: string;
  version: string;
  source: 'cache' | 'built';
  buildSeconds?: number;
}

/** The build's flags: static like Kyverno's release builds, with the version its `--version` and logs report. */
export function kyvernoBuildArgs(version: string, output: string): string[] {
  const ldflags = `-s -w -X ${KYVERNO_MODULE}/pkg/version.BuildVersion=${version}`;
  return ['build', '-trimpath', '-ldflags', ldflags, '-o', output, COMMAND];
}

export function kyvernoCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `kyverno-${version}`);
}

interface Pinned {
  version: string;
  dir: string;
  stamp: string;
}

async function pinned(env: NodeJS.ProcessEnv): Promise<Pinned> {
  const goMod = await readFile(join(KYVERNO_GOBUILD_DIR, 'go.mod'), 'utf8');
  const version = requiredVersion(goMod, KYVERNO_MODULE);
  if (version === undefined) throw new Error(`${KYVERNO_GOBUILD_DIR}/go.mod does not require ${KYVERNO_MODULE}`);
  const goSum = await readFile(join(KYVERNO_GOBUILD_DIR, 'go.sum'), 'utf8');
  return { version, dir: kyvernoCacheDir(version, env), stamp: buildStamp(goMod, goSum, kyvernoBuildArgs(version, 'kyverno')) };
}

/** The cached build, or undefined when it is not there yet (the bench then skips the peer and says how to build it). */
export async function findKyvernoBinary(env: NodeJS.ProcessEnv = process.env): Promise<KyvernoBinary | undefined> {
  const { version, dir, stamp } = await pinned(env);
  const path = join(dir, 'kyverno');
  return isExecutable(path) && (await hasStamp(dir, stamp)) ? { path, version, source: 'cache' } : undefined;
}

/** The cached build, else build it once (under the cache's file lock, so parallel runs wait for one build). */
export async function resolveKyvernoBinary(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<KyvernoBinary> {
  const found = await findKyvernoBinary(env);
  if (found) return found;
  const { version, dir, stamp } = await pinned(env);
  await mkdir(binaryCacheRoot(env), { recursive: true });
  log(`building Kyverno ${version} (cmd/kyverno) from its Go module into ${dir} (first run only; about 15 minutes on 2 cores)`);
  const buildSeconds = await buildIntoCache(dir, stamp, log, (staging) =>
    runGoBuild(
      {
        cwd: KYVERNO_GOBUILD_DIR,
        args: kyvernoBuildArgs(version, join(staging, 'kyverno')),
        missingGo: `\`go\` is not on PATH: the bench builds Kyverno from ${KYVERNO_GOBUILD_DIR}/go.mod; install Go (version in that go.mod)`,
      },
      env,
      log,
    ),
  );
  const path = join(dir, 'kyverno');
  return buildSeconds === undefined ? { path, version, source: 'cache' } : { path, version, source: 'built', buildSeconds };
}
