import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../harness/paths.js';

// Images for the real node, built without Docker. buildah (Debian) builds the project's image from its own
// Dockerfile: the Dockerfile stays the source of truth, and a Dockerfile that does not build fails the suite. Its
// base, `node:24-bookworm-slim`, cannot be pulled here, so a local image of that name is assembled from this
// machine's Node.js 24 binary, npm, a shell and their libraries. The pause, vmcp images are one static binary each.
// Everything is handed to containerd as docker-archive tarballs (`ctr images import`).

const run = promisify(execFile);

export interface ImageStore {
  /** buildah's image store (kept between runs: its layer cache makes an unchanged Dockerfile build in seconds). */
  root: string;
  /** buildah's run state (per run). */
  runroot: string;
}

/** The name the Dockerfile's `ARG NODE_IMAGE` defaults to, fully qualified (buildah refuses ambiguous short names). */
export function baseImageName(dockerfile: string): string {
  const match = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile);
  if (!match) throw new Error('Dockerfile: expected a line `ARG NODE_IMAGE=<image>`');
  const name = match[1]!;
  return name.includes('/') ? name : `docker.io/library/${name}`;
}

async function buildah(store: ImageStore, args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await run('buildah', ['--root', store.root, '--runroot', store.runroot, '--storage-driver', 'overlay', ...args], {
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
    env: { ...process.env, BUILDAH_ISOLATION: 'chroot' },
  }).catch((error: { stderr?: string; stdout?: string; message: string }) => {
    throw new Error(`buildah ${args.slice(0, 2).join(' ')} failed: ${(error.stderr || error.stdout || error.message).trim().slice(-4000)}`);
  });
  return stdout.trim();
}

/** The shared libraries `ldd` lists for a binary (absolute paths, the loader included). */
async function libraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return [...stdout.matchAll(/(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

async function copyInto(rootfs: string, source: string, target = source): Promise<void> {
  await mkdir(join(rootfs, dirname(target)), { recursive: true });
  await copyFile(source, join(rootfs, target));
}

/** A minimal Node.js image root: node, npm, /bin/sh and /usr/bin/env with their libraries, users, CA certificates. */
async function assembleNodeRootfs(rootfs: string, { node, npmDir, npmrc, extraCaFile }: NodeBaseInputs): Promise<void> {
  await copyInto(rootfs, node, '/usr/local/bin/node');
  await chmod(join(rootfs, 'usr/local/bin/node'), 0o755);
  for (const [binary, target] of [
    ['/bin/dash', '/bin/sh'],
    ['/usr/bin/env', '/usr/bin/env'],
  ] as const) {
    await copyInto(rootfs, binary, target);
    await chmod(join(rootfs, target), 0o755);
  }
  for (const lib of new Set([...(await libraries(node)), ...(await libraries('/bin/dash')), ...(await libraries('/usr/bin/env'))]))
    await copyInto(rootfs, lib);
  await mkdir(join(rootfs, 'usr/local/lib/node_modules'), { recursive: true });
  await run('cp', ['-a', npmDir, join(rootfs, 'usr/local/lib/node_modules/npm')]);
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  await copyInto(rootfs, '/etc/ssl/certs/ca-certificates.crt');
  if (extraCaFile !== undefined) await copyInto(rootfs, extraCaFile);
  await mkdir(join(rootfs, 'usr/local/etc'), { recursive: true });
  // npm-only: the runtime keeps Node's own roots; npm reaches the registry the way this machine does.
  await writeFile(join(rootfs, 'usr/local/etc/npmrc'), extraCaFile === undefined ? npmrc : `${npmrc}cafile=${extraCaFile}\n`);
  await mkdir(join(rootfs, 'etc'), { recursive: true });
  await writeFile(
    join(rootfs, 'etc/passwd'),
    'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/bin/sh\n',
  );
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnode:x:1000:\nnonroot:x:65532:\n');
  // As Debian ships it: /etc/hosts (the kubelet's, with hostAliases) before DNS.
  await writeFile(join(rootfs, 'etc/nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\n');
  for (const dir of ['tmp', 'root', 'home/node', 'home/nonroot']) await mkdir(join(rootfs, dir), { recursive: true });
  await chmod(join(rootfs, 'tmp'), 0o1777);
}

export interface NodeBaseInputs {
  /** The Node.js 24 binary (the one running this suite). */
  node: string;
  /** npm's package directory (`npm root -g`/npm). */
  npmDir: string;
  /**
   * How this machine reaches the npm registry (its npm config: registry, cafile, proxy lines), for the Dockerfile's
   * `RUN npm ci`: npm-only settings in the image's global npmrc, never the runtime's trust.
   */
  npmrc: string;
  /** The CA bundle this machine's Node.js trusts on top of its own (NODE_EXTRA_CA_CERTS): copied to the same path. */
  extraCaFile?: string;
}

const NPM_REGISTRY_KEYS = /^\s*(registry|@[^:]+:registry|cafile|ca|strict-ssl|proxy|https-proxy|noproxy)\s*=/;

/** The registry-access lines of the machine's npm configs (global, then user), as one npmrc. */
export function registryNpmrc(configs: readonly string[]): string {
  return configs.flatMap((text) => text.split('\n').filter((line) => NPM_REGISTRY_KEYS.test(line))).join('\n') + '\n';
}

async function labelOf(store: ImageStore, image: string): Promise<string | undefined> {
  return buildah(store, [
    'inspect',
    '--type',
    'image',
    '--format',
    '{{index .ImageAnnotations "dev.mcp-header-forward.inputs"}}',
    image,
  ]).catch(() => undefined);
}

async function commitFromRootfs(
  store: ImageStore,
  name: string,
  inputs: string,
  fill: (rootfs: string) => Promise<void>,
  config: string[],
): Promise<void> {
  if ((await labelOf(store, name)) === inputs) return;
  const container = await buildah(store, ['from', 'scratch']);
  try {
    const staging = await mkdtemp(join(tmpdir(), 'mhf-rootfs-'));
    try {
      await fill(staging);
      await buildah(store, ['copy', container, `${staging}/.`, '/']);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    await buildah(store, ['config', '--annotation', `dev.mcp-header-forward.inputs=${inputs}`, ...config, container]);
    // Created time and file times fixed: assembled again from the same inputs, the image has the same digest.
    await buildah(store, ['commit', '--rm', '--timestamp', '0', container, name]);
  } catch (error) {
    await buildah(store, ['rm', container]).catch(() => undefined);
    throw error;
  }
}

async function hashFiles(paths: readonly string[], extra: string): Promise<string> {
  const hash = createHash('sha256').update(extra);
  for (const path of paths) hash.update(path).update(await readFile(path));
  return hash.digest('hex').slice(0, 16);
}

/** The Dockerfile's base image, assembled locally (rebuilt only when node or npm change). */
export async function ensureNodeBaseImage(store: ImageStore, inputs: NodeBaseInputs, dockerfile: string): Promise<string> {
  const name = baseImageName(dockerfile);
  // The recipe's own text is part of the key: a change to what goes into the image rebuilds it.
  const key = await hashFiles(
    [inputs.node, join(inputs.npmDir, 'package.json'), ...(inputs.extraCaFile ? [inputs.extraCaFile] : [])],
    `${name}\0${inputs.npmrc}\0${assembleNodeRootfs.toString()}\0${commitFromRootfs.toString()}`,
  );
  await commitFromRootfs(store, name, key, (rootfs) => assembleNodeRootfs(rootfs, inputs), [
    '--env',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--cmd',
    'node',
    '--os',
    'linux',
    '--arch',
    'amd64',
  ]);
  return name;
}

/** An image holding one static binary as its entrypoint (pause, vmcp), plus CA certificates and a writable /tmp. */
export async function ensureStaticImage(store: ImageStore, name: string, binary: string, target: string): Promise<string> {
  const key = await hashFiles([binary], `${name}\0${target}\0${ensureStaticImage.toString()}\0${commitFromRootfs.toString()}`);
  await commitFromRootfs(
    store,
    name,
    key,
    async (rootfs) => {
      await copyInto(rootfs, binary, target);
      await chmod(join(rootfs, target), 0o755);
      await copyInto(rootfs, '/etc/ssl/certs/ca-certificates.crt');
      await mkdir(join(rootfs, 'tmp'), { recursive: true });
      await chmod(join(rootfs, 'tmp'), 0o1777);
    },
    ['--entrypoint', JSON.stringify([target]), '--os', 'linux', '--arch', 'amd64'],
  );
  return name;
}

/**
 * `buildah bud` of the project's Dockerfile, layers cached: the image users get, built the way they build it.
 * `timestamp` (epoch seconds) fixes the created time and file times, for an archive that can be rebuilt bit for bit.
 */
export async function buildProjectImage(
  store: ImageStore,
  name: string,
  dockerfile: string,
  log: (line: string) => void,
  options: { timestamp?: number } = {},
): Promise<number> {
  const started = Date.now();
  await buildah(
    store,
    [
      'bud',
      '--pull-never',
      '--layers',
      '--isolation',
      'chroot',
      ...(options.timestamp === undefined ? [] : ['--timestamp', String(options.timestamp)]),
      '--build-arg',
      `NODE_IMAGE=${baseImageName(dockerfile)}`,
      '-t',
      name,
      '-f',
      join(PROJECT_ROOT, 'Dockerfile'),
      PROJECT_ROOT,
    ],
    { timeoutMs: 900_000 },
  );
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  log(`built ${name} from the Dockerfile with buildah in ${seconds}s`);
  return seconds;
}

/**
 * An image as an OCI archive (what `oci-archive:` reads), the form `make package` ships; returns the manifest
 * digest. buildah's own oci-archive writer stamps the current time on each entry, so it writes an OCI layout
 * directory and tar packs it in name order with fixed times and owners: the same image gives the same bytes.
 */
export async function exportOciArchive(store: ImageStore, name: string, archive: string, epoch: number): Promise<string> {
  const layout = await mkdtemp(join(tmpdir(), 'mhf-oci-'));
  try {
    const digestFile = join(layout, '..', `${basename(layout)}.digest`);
    await buildah(store, ['push', '--quiet', '--format', 'oci', '--digestfile', digestFile, name, `oci:${layout}:${name}`]);
    const digest = (await readFile(digestFile, 'utf8')).trim();
    await rm(digestFile, { force: true });
    await rm(archive, { force: true });
    await run('tar', ['--sort=name', `--mtime=@${epoch}`, '--owner=0', '--group=0', '--numeric-owner', '-C', layout, '-cf', archive, '.']);
    return digest;
  } finally {
    await rm(layout, { recursive: true, force: true });
  }
}

/** The npm this machine runs (its package directory), whatever node runs it. */
async function npmPackageDir(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'readlink -f "$(command -v npm)"']);
  // .../node_modules/npm/bin/npm-cli.js -> .../node_modules/npm
  return dirname(dirname(stdout.trim()));
}

async function machineNpmrc(): Promise<string> {
  const files = await Promise.all(
    ['globalconfig', 'userconfig'].map(async (key) => {
      const { stdout } = await run('npm', ['config', 'get', key]);
      return readFile(stdout.trim(), 'utf8').catch(() => '');
    }),
  );
  return registryNpmrc(files);
}

/** The base image's inputs on this machine: the Node.js running this process, its npm, and how npm reaches the registry. */
export async function machineNodeBaseInputs(): Promise<NodeBaseInputs> {
  const extraCaFile = process.env.NODE_EXTRA_CA_CERTS;
  return { node: process.execPath, npmDir: await npmPackageDir(), npmrc: await machineNpmrc(), ...(extraCaFile ? { extraCaFile } : {}) };
}

/** Export images from buildah and import them into the node's containerd (CRI namespace k8s.io). */
export async function importIntoContainerd(
  store: ImageStore,
  names: readonly string[],
  containerdSocket: string,
  workDir: string,
): Promise<void> {
  for (const name of names) {
    const archive = join(workDir, `${createHash('sha256').update(name).digest('hex').slice(0, 12)}.tar`);
    await rm(archive, { force: true });
    await buildah(store, ['push', name, `docker-archive:${archive}:${name}`]);
    await run('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', archive], { timeout: 300_000 }).catch(
      (error: { stderr?: string; message: string }) => {
        throw new Error(`ctr images import ${name} failed: ${(error.stderr ?? error.message).trim()}`);
      },
    );
    await rm(archive, { force: true });
  }
}
