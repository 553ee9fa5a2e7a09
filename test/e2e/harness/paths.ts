import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Works both from source (test/e2e/harness) and from the build (dist/test/e2e/harness).
const here = dirname(fileURLToPath(import.meta.url));

function findProjectRoot(start: string): string {
  const fromSource = resolve(start, '..', '..', '..');
  return start.endsWith(join('dist', 'test', 'e2e', 'harness')) ? resolve(fromSource, '..') : fromSource;
}

export const PROJECT_ROOT = findProjectRoot(here);

/** The Go modules that pin what the tests run against: Kubernetes + etcd, ToolHive, Kyverno (its PolicyReport CRD), the Prometheus Operator's CRDs, the helm CLI. */
export const KUBERNETES_GOBUILD_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'gobuild', 'kubernetes');
export const TOOLHIVE_GOBUILD_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'gobuild', 'toolhive');
export const KYVERNO_GOBUILD_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'gobuild', 'kyverno');
/** Pins the Prometheus Operator whose CRDs manifests/monitoring is checked against. */
export const PROMETHEUS_OPERATOR_GOBUILD_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'gobuild', 'prometheus-operator');
export const HELM_GOBUILD_DIR = join(PROJECT_ROOT, 'test', 'e2e', 'gobuild', 'helm');

/** Binaries are cached outside the repo, keyed by version, so only the first run pays the build. */
export function binaryCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(cacheHome, 'mcp-header-forward', 'bin');
}

/** The CLI as users run it (`make build` first). */
export const CLI_ENTRY = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
