import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './fileLock.js';
import { binaryCacheRoot, GOBUILD_DIR } from './paths.js';
import { parseGoModVersions, versionLdflags, type ControlPlaneVersions } from './versions.js';

export const BINARY_NAMES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl'] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];
export type Binaries = Record<BinaryName, string>;

export interface ResolvedBinaries {
  paths: Binaries;
  versions: ControlPlaneVersions;
  /** Where each binary came from, for the log a person reads. */
  sources: Record<BinaryName, 'KUBEBUILDER_ASSETS' | 'cache' | 'built'>;
  buildSeconds?: number;
}

const GO_PACKAGES: Record<BinaryName, string> = {
  etcd: './etcd',
  'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
  'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
  kubectl: 'k8s.io/kubernetes/cmd/kubectl',
};
const STAMP = '.complete';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The stamp names the inputs of the build: a changed go.mod/go.sum or build flags means a new build. */
export function buildStamp(goMod: string, goSum: string, ldflags: string[]): string {
  return createHash('sha256').update(goMod).update('\0').update(goSum).update('\0').update(ldflags.join(' ')).digest('hex');
}

export function cacheDirFor(versions: ControlPlaneVersions, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `k8s-${versions.kubernetes}`);
}

/**
 * KUBEBUILDER_ASSETS first (etcd, kube-apiserver, kubectl; kube-controller-manager if it is there too),
 * then binaries built from the pinned Go module into the per-version cache, building once if needed.
 */
export async function resolveBinaries(
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<ResolvedBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => {});
  const goMod = await readFile(join(GOBUILD_DIR, 'go.mod'), 'utf8');
  const versions = parseGoModVersions(goMod);
  const assets = env.KUBEBUILDER_ASSETS;
  const fromAssets = new Map<BinaryName, string>();
  if (assets) {
    for (const name of BINARY_NAMES) {
      const path = join(assets, name);
      if (isExecutable(path)) fromAssets.set(name, path);
    }
    const missing = (['etcd', 'kube-apiserver', 'kubectl'] as const).filter((name) => !fromAssets.has(name));
    if (missing.length > 0) {
      throw new Error(`KUBEBUILDER_ASSETS=${assets} lacks executable ${missing.join(', ')}; point it at a directory holding etcd, kube-apiserver and kubectl, or unset it to build them with Go`);
    }
  }
  let built: { dir: string; built: boolean; seconds?: number } | undefined;
  if (fromAssets.size < BINARY_NAMES.length) built = await ensureBuilt(versions, goMod, env, log);
  const paths = {} as Binaries;
  const sources = {} as ResolvedBinaries['sources'];
  for (const name of BINARY_NAMES) {
    const asset = fromAssets.get(name);
    paths[name] = asset ?? join(built!.dir, name);
    sources[name] = asset ? 'KUBEBUILDER_ASSETS' : built!.built ? 'built' : 'cache';
  }
  return { paths, versions, sources, ...(built?.seconds !== undefined ? { buildSeconds: built.seconds } : {}) };
}

async function ensureBuilt(
  versions: ControlPlaneVersions,
  goMod: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ dir: string; built: boolean; seconds?: number }> {
  const dir = cacheDirFor(versions, env);
  const ldflags = ['-s', '-w', ...versionLdflags(versions.kubernetes)];
  const stamp = buildStamp(goMod, await readFile(join(GOBUILD_DIR, 'go.sum'), 'utf8'), ldflags);
  const isComplete = async (): Promise<boolean> =>
    existsSync(join(dir, STAMP)) && (await readFile(join(dir, STAMP), 'utf8')).trim() === stamp;
  if (await isComplete()) return { dir, built: false };
  await mkdir(binaryCacheRoot(env), { recursive: true });
  // Parallel runs (two terminals, vitest + demo) wait for one build instead of building twice.
  return withFileLock(`${dir}.lock`, log, async () => {
    if (await isComplete()) return { dir, built: false };
    log(`building Kubernetes ${versions.kubernetes} and etcd ${versions.etcd} from Go modules into ${dir} (first run only; several minutes)`);
    const started = Date.now();
    const staging = `${dir}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await runGoBuild(staging, ldflags, env, log);
    await writeFile(join(staging, STAMP), `${stamp}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`built control-plane binaries in ${seconds}s`);
    return { dir, built: true, seconds };
  });
}

function runGoBuild(outDir: string, ldflags: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const args = ['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', `${outDir}/`, ...BINARY_NAMES.map((name) => GO_PACKAGES[name])];
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: GOBUILD_DIR,
      env: { ...env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error('`go` is not on PATH: install Go (see go.mod for the version) or set KUBEBUILDER_ASSETS to prebuilt etcd, kube-apiserver and kubectl')
          : error,
      );
    });
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      log(output);
      reject(new Error(`go ${args.join(' ')} in ${GOBUILD_DIR} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}
