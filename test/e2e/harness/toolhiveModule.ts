import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { goModuleDir, requiredVersion } from './goModule.js';
import { TOOLHIVE_GOBUILD_DIR } from './paths.js';

// ToolHive as the tests know it: one version, pinned in test/e2e/gobuild/toolhive/go.mod, from which vMCP and the
// operator are built and the CRDs are read (deploy/charts/operator-crds in the same module).

export const TOOLHIVE_MODULE = 'github.com/stacklok/toolhive';
/** Where ToolHive's Helm chart for the operator's CRDs keeps them, inside the module. */
export const CRDS_IN_MODULE = join('deploy', 'charts', 'operator-crds', 'files', 'crds');
/** A directory of ToolHive CRD YAML to use instead of the pinned module's (another ToolHive version, no Go). */
export const CRDS_DIR_ENV = 'MCP_HF_TOOLHIVE_CRDS';

/** The pinned ToolHive release, read from the build module's go.mod (the one place it is written). */
export function parseToolhiveVersion(goMod: string): string {
  const version = requiredVersion(goMod, TOOLHIVE_MODULE);
  if (!version) throw new Error(`go.mod in ${TOOLHIVE_GOBUILD_DIR} must require ${TOOLHIVE_MODULE} at a vMAJOR.MINOR.PATCH release`);
  return version;
}

export async function pinnedToolhiveVersion(): Promise<string> {
  return parseToolhiveVersion(await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.mod'), 'utf8'));
}

/** `go mod download -json` of the pinned ToolHive: the read-only module directory in the Go module cache. */
export function toolhiveModuleDir(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; version: string }> {
  return goModuleDir({
    module: TOOLHIVE_MODULE,
    gobuildDir: TOOLHIVE_GOBUILD_DIR,
    env,
    missingGo: `\`go\` is not on PATH: ToolHive's CRDs come from the Go module pinned in ${TOOLHIVE_GOBUILD_DIR}/go.mod; install Go or set ${CRDS_DIR_ENV} to a directory of ToolHive CRD YAML`,
  });
}

/** ToolHive's CRD directory: $MCP_HF_TOOLHIVE_CRDS, else the one in the pinned module (downloaded once by Go). */
export async function toolhiveCrdsDir(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string; source: string }> {
  const given = env[CRDS_DIR_ENV];
  if (given !== undefined && given !== '') return { dir: resolve(given), source: `$${CRDS_DIR_ENV}` };
  const module = await toolhiveModuleDir(env);
  return { dir: join(module.dir, CRDS_IN_MODULE), source: `${TOOLHIVE_MODULE}@${module.version}` };
}
