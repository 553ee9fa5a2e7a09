import { accessSync, constants } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildStamp } from '../harness/binaries.js';
import { buildIntoCache, hasStamp, runGoBuild } from '../harness/goBuild.js';
import { binaryCacheRoot, TOOLHIVE_GOBUILD_DIR } from '../harness/paths.js';
import { parseToolhiveVersion, TOOLHIVE_MODULE } from '../harness/toolhiveModule.js';

// ToolHive's vMCP gateway built from its published Go module (pinned in gobuild/go.mod), cached per version
// next to the control-plane binaries: the first run pays the build, later runs start at once.

const VMCP_PACKAGE = `${TOOLHIVE_MODULE}/cmd/vmcp`;
/** Same flags as ToolHive's release builds: static, no cgo, pure-Go resolver. */
export const VMCP_BUILD_ARGS = ['build', '-trimpath', '-tags', 'netgo', '-ldflags', '-s -w'] as const;
/** Points at a prebuilt vmcp binary (CI images, offline machines); skips the Go build. */
export const VMCP_BIN_ENV = 'MCP_HF_VMCP_BIN';

export interface ResolvedVmcp {
  path: string;
  version: string;
  source: typeof VMCP_BIN_ENV | 'cache' | 'built';
  buildSeconds?: number;
}

export function vmcpCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `vmcp-${version}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface Pinned {
  version: string;
  dir: string;
  path: string;
  stamp: string;
  isComplete(): Promise<boolean>;
}

async function pinned(env: NodeJS.ProcessEnv): Promise<Pinned> {
  const goMod = await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.mod'), 'utf8');
  const version = parseToolhiveVersion(goMod);
  const dir = vmcpCacheDir(version, env);
  const path = join(dir, 'vmcp');
  const stamp = buildStamp(goMod, await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.sum'), 'utf8'), [...VMCP_BUILD_ARGS]);
  const isComplete = async (): Promise<boolean> =>
    isExecutable(path) && (await hasStamp(dir, stamp));
  return { version, dir, path, stamp, isComplete };
}

function prebuilt(env: NodeJS.ProcessEnv, version: string): ResolvedVmcp | undefined {
  const path = env[VMCP_BIN_ENV];
  if (path === undefined || path === '') return undefined;
  if (!isExecutable(path)) throw new Error(`${VMCP_BIN_ENV}=${path} is not an executable file; point it at a vmcp binary or unset it to build one with Go`);
  return { path, version, source: VMCP_BIN_ENV };
}

/** $MCP_HF_VMCP_BIN or the cached build, without building: undefined when neither exists (`make demo`). */
export async function findVmcp(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedVmcp | undefined> {
  const pin = await pinned(env);
  return prebuilt(env, pin.version) ?? ((await pin.isComplete()) ? { path: pin.path, version: pin.version, source: 'cache' } : undefined);
}

/** $MCP_HF_VMCP_BIN, else the cached build for the pinned version, else build it once (under a lock). */
export async function resolveVmcp(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<ResolvedVmcp> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => {});
  const pin = await pinned(env);
  const given = prebuilt(env, pin.version);
  if (given !== undefined) return given;
  const { version, dir, path, stamp } = pin;
  if (await pin.isComplete()) return { path, version, source: 'cache' };
  await mkdir(binaryCacheRoot(env), { recursive: true });
  log(`building ToolHive vMCP ${version} from its Go module into ${dir} (first run only; about 7 minutes on 2 cores)`);
  const buildSeconds = await buildIntoCache(dir, stamp, log, (staging) =>
    runGoBuild(
      {
        cwd: TOOLHIVE_GOBUILD_DIR,
        args: [...VMCP_BUILD_ARGS, '-o', join(staging, 'vmcp'), VMCP_PACKAGE],
        missingGo: `\`go\` is not on PATH: the vMCP e2e builds ToolHive's vmcp from ${TOOLHIVE_GOBUILD_DIR}/go.mod; install Go (version in that go.mod) or set ${VMCP_BIN_ENV} to a prebuilt vmcp binary`,
      },
      env,
      log,
    ),
  );
  if (buildSeconds === undefined) return { path, version, source: 'cache' };
  log(`built vmcp ${version} in ${buildSeconds}s`);
  return { path, version, source: 'built', buildSeconds };
}

