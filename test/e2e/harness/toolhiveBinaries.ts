import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildStamp, isExecutable } from './binaries.js';
import { buildIntoCache, hasStamp, runGoBuild } from './goBuild.js';
import { binaryCacheRoot, TOOLHIVE_GOBUILD_DIR } from './paths.js';
import { parseToolhiveVersion, TOOLHIVE_MODULE } from './toolhiveModule.js';

// ToolHive's vMCP gateway and operator built from its published Go module (pinned in gobuild/toolhive/go.mod),
// both in one `go build` (they share most packages), cached per version next to the Kubernetes binaries.

export const TOOLHIVE_COMMANDS = ['vmcp', 'thv-operator'] as const;
export type ToolhiveCommand = (typeof TOOLHIVE_COMMANDS)[number];

/** Same flags as ToolHive's release builds: static, no cgo, pure-Go resolver. */
export const TOOLHIVE_BUILD_ARGS = ['build', '-trimpath', '-tags', 'netgo', '-ldflags', '-s -w'] as const;

/** Point at a prebuilt binary (CI images, offline machines); skips the Go build for that command. */
export const PREBUILT_ENV: Record<ToolhiveCommand, string> = { vmcp: 'MCP_HF_VMCP_BIN', 'thv-operator': 'MCP_HF_THV_OPERATOR_BIN' };

export interface ResolvedToolhiveBinary {
  path: string;
  version: string;
  source: string;
  buildSeconds?: number;
}

export function toolhiveCacheDir(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `toolhive-${version}`);
}

interface Pinned {
  version: string;
  dir: string;
  stamp: string;
  isComplete(): Promise<boolean>;
}

async function pinned(env: NodeJS.ProcessEnv): Promise<Pinned> {
  const goMod = await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.mod'), 'utf8');
  const version = parseToolhiveVersion(goMod);
  const dir = toolhiveCacheDir(version, env);
  const stamp = buildStamp(goMod, await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.sum'), 'utf8'), [
    ...TOOLHIVE_BUILD_ARGS,
    ...TOOLHIVE_COMMANDS,
  ]);
  const isComplete = async (): Promise<boolean> =>
    TOOLHIVE_COMMANDS.every((c) => isExecutable(join(dir, c))) && (await hasStamp(dir, stamp));
  return { version, dir, stamp, isComplete };
}

function prebuilt(command: ToolhiveCommand, env: NodeJS.ProcessEnv, version: string): ResolvedToolhiveBinary | undefined {
  const variable = PREBUILT_ENV[command];
  const path = env[variable];
  if (path === undefined || path === '') return undefined;
  if (!isExecutable(path))
    throw new Error(`${variable}=${path} is not an executable file; point it at a ${command} binary or unset it to build one with Go`);
  return { path, version, source: variable };
}

/** The prebuilt binary or the cached build, without building: undefined when neither exists (`make demo`). */
export async function findToolhiveBinary(
  command: ToolhiveCommand,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedToolhiveBinary | undefined> {
  const pin = await pinned(env);
  const given = prebuilt(command, env, pin.version);
  if (given !== undefined) return given;
  return (await pin.isComplete()) ? { path: join(pin.dir, command), version: pin.version, source: 'cache' } : undefined;
}

/** The prebuilt binary, else the cached build for the pinned version, else build both commands once (under a lock). */
export async function resolveToolhiveBinary(
  command: ToolhiveCommand,
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<ResolvedToolhiveBinary> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => {});
  const pin = await pinned(env);
  const given = prebuilt(command, env, pin.version);
  if (given !== undefined) return given;
  const { version, dir, stamp } = pin;
  const path = join(dir, command);
  if (await pin.isComplete()) return { path, version, source: 'cache' };
  await mkdir(binaryCacheRoot(env), { recursive: true });
  log(
    `building ToolHive ${version} (${TOOLHIVE_COMMANDS.join(', ')}) from its Go module into ${dir} (first run only; about 7 minutes on 2 cores)`,
  );
  const buildSeconds = await buildIntoCache(dir, stamp, log, (staging) =>
    runGoBuild(
      {
        cwd: TOOLHIVE_GOBUILD_DIR,
        args: [...TOOLHIVE_BUILD_ARGS, '-o', `${staging}/`, ...TOOLHIVE_COMMANDS.map((c) => `${TOOLHIVE_MODULE}/cmd/${c}`)],
        missingGo: `\`go\` is not on PATH: the e2e builds ToolHive's ${command} from ${TOOLHIVE_GOBUILD_DIR}/go.mod; install Go (version in that go.mod) or set ${PREBUILT_ENV[command]} to a prebuilt ${command} binary`,
      },
      env,
      log,
    ),
  );
  if (buildSeconds === undefined) return { path, version, source: 'cache' };
  log(`built ToolHive ${version} in ${buildSeconds}s`);
  return { path, version, source: 'built', buildSeconds };
}
