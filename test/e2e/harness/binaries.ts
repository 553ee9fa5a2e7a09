import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildIntoCache, hasStamp, runGoBuild } from './goBuild.js';
import { binaryCacheRoot, KUBERNETES_GOBUILD_DIR } from './paths.js';
import { parseGoModVersions, versionLdflags, type ControlPlaneVersions } from './versions.js';

export const BINARY_NAMES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'kubectl',
  'pause',
] as const;
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
  'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
  kubelet: 'k8s.io/kubernetes/cmd/kubelet',
  'kube-proxy': 'k8s.io/kubernetes/cmd/kube-proxy',
  kubectl: 'k8s.io/kubernetes/cmd/kubectl',
  pause: './pause',
};

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The stamp names the inputs of the build: a changed go.mod/go.sum, build flags or command list means a new build. */
export function buildStamp(goMod: string, goSum: string, flags: string[]): string {
  return createHash('sha256').update(goMod).update('\0').update(goSum).update('\0').update(flags.join(' ')).digest('hex');
}

export function cacheDirFor(versions: ControlPlaneVersions, env: NodeJS.ProcessEnv = process.env): string {
  return join(binaryCacheRoot(env), `k8s-${versions.kubernetes}`);
}

/**
 * KUBEBUILDER_ASSETS first (etcd, kube-apiserver, kubectl; the node and controller binaries where it has them),
 * then binaries built from the pinned Go module into the per-version cache, building once if needed.
 */
export async function resolveBinaries(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<ResolvedBinaries> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => {});
  const goMod = await readFile(join(KUBERNETES_GOBUILD_DIR, 'go.mod'), 'utf8');
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
      throw new Error(
        `KUBEBUILDER_ASSETS=${assets} lacks executable ${missing.join(', ')}; point it at a directory holding etcd, kube-apiserver and kubectl, or unset it to build them with Go`,
      );
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
  const stamp = buildStamp(goMod, await readFile(join(KUBERNETES_GOBUILD_DIR, 'go.sum'), 'utf8'), [...ldflags, ...BINARY_NAMES]);
  if (await hasStamp(dir, stamp)) return { dir, built: false };
  await mkdir(binaryCacheRoot(env), { recursive: true });
  log(`building Kubernetes ${versions.kubernetes} and etcd ${versions.etcd} from Go modules into ${dir} (first run only; several minutes)`);
  const seconds = await buildIntoCache(dir, stamp, log, (staging) =>
    runGoBuild(
      {
        cwd: KUBERNETES_GOBUILD_DIR,
        args: ['build', '-trimpath', '-ldflags', ldflags.join(' '), '-o', `${staging}/`, ...BINARY_NAMES.map((name) => GO_PACKAGES[name])],
        missingGo:
          '`go` is not on PATH: install Go (see go.mod for the version) or set KUBEBUILDER_ASSETS to prebuilt etcd, kube-apiserver and kubectl',
      },
      env,
      log,
    ),
  );
  if (seconds === undefined) return { dir, built: false };
  log(`built control-plane binaries in ${seconds}s`);
  return { dir, built: true, seconds };
}
