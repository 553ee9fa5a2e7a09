import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildStamp, isExecutable } from './binaries.js';
import { buildIntoCache, hasStamp, runGoBuild } from './goBuild.js';
import { binaryCacheRoot, HELM_GOBUILD_DIR } from './paths.js';

// The helm CLI the chart is linted, rendered and packaged with, built from its published Go module (pinned in
// gobuild/helm/go.mod) and cached per version next to the Kubernetes and ToolHive binaries.

export const HELM_MODULE = 'helm.sh/helm/v4';
/** Point at a prebuilt helm (an offline machine, a CI image): skips the Go build. */
export const HELM_PREBUILT_ENV = 'MCP_HF_HELM_BIN';

export interface ResolvedHelm {
  path: string;
  version: string;
  source: 'cache' | 'built' | typeof HELM_PREBUILT_ENV;
  buildSeconds?: number;
}

/** The pinned helm release, read from the build module's go.mod (the one place it is written). */
export function parseHelmVersion(goMod: string): string {
  const match = new RegExp(`^\\s*(?:require\\s+)?${HELM_MODULE.replaceAll('.', '\\.')}\\s+(v\\d+\\.\\d+\\.\\d+\\S*)`, 'm').exec(goMod);
  if (!match) throw new Error(`go.mod in ${HELM_GOBUILD_DIR} must require ${HELM_MODULE} at a vMAJOR.MINOR.PATCH release`);
  return match[1]!;
}

/** As Helm's own Makefile for a tagged release, so `helm version` reports the pinned version instead of "main". */
export function helmBuildArgs(version: string): string[] {
  const pkg = `${HELM_MODULE}/internal/version`;
  const ldflags = ['-s', '-w', `-X ${pkg}.version=${version}`, `-X ${pkg}.metadata=`, `-X ${pkg}.gitTreeState=clean`];
  return ['build', '-trimpath', '-ldflags', ldflags.join(' ')];
}

export function helmCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `helm-${version}`);
}

/** $MCP_HF_HELM_BIN, else the cached build of the pinned version, else build it once (under a lock). */
export async function resolveHelm(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<ResolvedHelm> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => {});
  const goMod = await readFile(join(HELM_GOBUILD_DIR, 'go.mod'), 'utf8');
  const version = parseHelmVersion(goMod);
  const given = env[HELM_PREBUILT_ENV];
  if (given !== undefined && given !== '') {
    if (!isExecutable(given)) throw new Error(`${HELM_PREBUILT_ENV}=${given} is not an executable file; point it at helm or unset it`);
    return { path: given, version, source: HELM_PREBUILT_ENV };
  }
  const dir = helmCacheDir(version, env);
  const path = join(dir, 'helm');
  const args = helmBuildArgs(version);
  const stamp = buildStamp(goMod, await readFile(join(HELM_GOBUILD_DIR, 'go.sum'), 'utf8'), args);
  if (isExecutable(path) && (await hasStamp(dir, stamp))) return { path, version, source: 'cache' };
  await mkdir(binaryCacheRoot(env), { recursive: true });
  log(`building helm ${version} from its Go module into ${dir} (first run only; a few minutes on 2 cores)`);
  const buildSeconds = await buildIntoCache(dir, stamp, log, (staging) =>
    runGoBuild(
      {
        cwd: HELM_GOBUILD_DIR,
        args: [...args, '-o', `${staging}/helm`, `${HELM_MODULE}/cmd/helm`],
        missingGo: `\`go\` is not on PATH: the chart tests build helm from ${HELM_GOBUILD_DIR}/go.mod; install Go (version in that go.mod) or set ${HELM_PREBUILT_ENV} to a helm binary`,
      },
      env,
      log,
    ),
  );
  if (buildSeconds === undefined) return { path, version, source: 'cache' };
  log(`built helm ${version} in ${buildSeconds}s`);
  return { path, version, source: 'built', buildSeconds };
}
