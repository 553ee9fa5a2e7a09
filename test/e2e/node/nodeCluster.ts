import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane, type ControlPlaneInfo } from '../harness/controlPlane.js';
import { acquireFileLock } from '../harness/fileLock.js';
import { binaryCacheRoot, PROJECT_ROOT } from '../harness/paths.js';
import { startProcess, type ManagedProcess } from '../harness/processes.js';
import { resolveToolhiveBinary } from '../harness/toolhiveBinaries.js';
import { cniConfig, containerdConfig, kubeletArgs, kubeletConfig, kubeProxyConfig, PAUSE_IMAGE, type NodePaths } from './configs.js';
import { createKubeletCgroupRoot, removeKubeletCgroups, restoreSysctls, saveSysctls } from './hostState.js';
import {
  buildProjectImage,
  ensureNodeBaseImage,
  ensureStaticImage,
  importIntoContainerd,
  machineNodeBaseInputs,
  type ImageStore,
} from './images.js';
import { IN_NODE_NETNS, leftovers, NODE_NAME, NODE_NETWORK, setupNodeNetwork, teardownNodeNetwork } from './network.js';
import { CNI_BIN_DIR } from './requirements.js';
import { waitFor } from './scenario.js';
import { killNodeProcesses, newPodNetns, podNetnsNow, removePodNetns, unmountUnder } from './teardown.js';

// A real one-node cluster on this machine: the control plane, containerd, the kubelet and kube-proxy, all inside the
// node's network namespace (network.ts), pods on its bridge. Start order and teardown order follow ../notes; teardown
// runs whatever failed and leaves the machine as it found it (addresses, routes, namespaces, cgroups, mounts, sysctls).

/** Our roots: everything the node writes lives under these and goes at teardown. */
export const NODE_STATE_DIR = '/run/mhf-node';
export const NODE_DATA_DIR = '/var/lib/mhf-node';
const LOCK_DIR = '/run/lock/mcp-header-forward-node.lock';

export interface NodeImages {
  /** The project's image, built from its Dockerfile (the name the manifests use). */
  project: string;
  vmcp: string;
  /** The Dockerfile's base (Node.js 24), also the image the e2e's upstream MCP servers run on. */
  node: string;
}

export interface NodeClusterInfo extends ControlPlaneInfo {
  nodeName: string;
  nodeAddress: string;
  containerdSocket: string;
  images: NodeImages;
  /** Seconds per phase, for the README's table. */
  timings: Record<string, number>;
}

export interface NodeCluster {
  info: NodeClusterInfo;
  admin: KubeConfig;
  stop(): Promise<void>;
}

function nodePaths(): NodePaths {
  return {
    containerdRoot: join(NODE_DATA_DIR, 'containerd'),
    containerdState: join(NODE_STATE_DIR, 'containerd'),
    containerdSocket: join(NODE_STATE_DIR, 'containerd', 'containerd.sock'),
    cniConfDir: join(NODE_STATE_DIR, 'cni', 'net.d'),
    cniBinDir: CNI_BIN_DIR,
    kubeletRoot: join(NODE_DATA_DIR, 'kubelet'),
    pkiDir: '',
    kubeletKubeconfig: '',
    kubeProxyKubeconfig: '',
    resolvConf: join(NODE_STATE_DIR, 'resolv.conf'),
    podLogs: join(NODE_DATA_DIR, 'pod-logs'),
    ipamDataDir: join(NODE_STATE_DIR, 'cni', 'ipam'),
  };
}

/** Build (cached) and import the images the node runs: pause, vmcp, the Dockerfile's base, the project's image. */
async function prepareImages(
  paths: NodePaths,
  pauseBinary: string,
  workDir: string,
  log: (line: string) => void,
  timings: Record<string, number>,
): Promise<NodeImages> {
  const started = Date.now();
  const store: ImageStore = { root: join(binaryCacheRoot(), '..', 'buildah'), runroot: join(NODE_STATE_DIR, 'buildah') };
  const dockerfile = await readFile(join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
  const version = (JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const node = await ensureNodeBaseImage(store, await machineNodeBaseInputs(), dockerfile);
  const pause = await ensureStaticImage(store, PAUSE_IMAGE, pauseBinary, '/pause');
  const vmcpBinary = await resolveToolhiveBinary('vmcp', { log });
  const vmcp = await ensureStaticImage(store, `mhf.local/toolhive/vmcp:${vmcpBinary.version}`, vmcpBinary.path, '/usr/local/bin/vmcp');
  const project = `ghcr.io/mcp-header-forward/mcp-header-forward:${version}`;
  timings.imageBuildSeconds = await buildProjectImage(store, project, dockerfile, log);
  const importStarted = Date.now();
  await importIntoContainerd(store, [pause, vmcp, node, project], paths.containerdSocket, workDir);
  timings.imageImportSeconds = (Date.now() - importStarted) / 1000;
  timings.imagesSeconds = (Date.now() - started) / 1000;
  log(`images ready in containerd: ${[project, vmcp, node, pause].join(', ')} (${timings.imagesSeconds.toFixed(1)}s)`);
  return { project, vmcp, node };
}

function nodeReady(api: CoreV1Api): Promise<true | undefined> {
  return api
    .readNode({ name: NODE_NAME })
    .then((node) => (node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? true : undefined));
}

export async function startNodeCluster(options: { log?: (line: string) => void } = {}): Promise<NodeCluster> {
  const log = options.log ?? ((line: string): void => void process.stderr.write(`[node] ${line}\n`));
  const started = Date.now();
  const timings: Record<string, number> = {};
  const releaseLock = await acquireFileLock(LOCK_DIR, log);
  const paths = nodePaths();
  const processes: ManagedProcess[] = [];
  let controlPlane: ControlPlane | undefined;
  const sysctls = await saveSysctls();
  const netnsBefore = await podNetnsNow();
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const stopStarted = Date.now();
    const problems: string[] = [];
    try {
      // Controllers first (a ReplicaSet would recreate what the kubelet deletes), then the pods through the kubelet.
      await controlPlane?.stopControllers();
      if (controlPlane && processes.some((p) => p.name === 'kubelet' && p.isRunning())) await deleteAllPods(controlPlane.admin, log);
      for (const managed of [...processes].reverse()) await managed.stop(10_000);
      const killed = await killNodeProcesses(paths.containerdSocket);
      if (killed > 0) log(`killed ${killed} left-over container or shim processes`);
      await controlPlane?.stop();
      const stuck = await unmountUnder([NODE_STATE_DIR, NODE_DATA_DIR]);
      if (stuck.length > 0) problems.push(`could not unmount ${stuck.join(', ')}`);
      await removePodNetns(await newPodNetns(netnsBefore));
      await teardownNodeNetwork();
      const cgroups = await removeKubeletCgroups();
      if (cgroups.length > 0) problems.push(`cgroups left: ${cgroups.join(', ')}`);
      const restored = await restoreSysctls(sysctls);
      if (restored.length > 0) log(`restored sysctls: ${restored.join(', ')}`);
      await rm(NODE_STATE_DIR, { recursive: true, force: true });
      await rm(NODE_DATA_DIR, { recursive: true, force: true });
      const left = await leftovers();
      if (left.length > 0) problems.push(`network left: ${left.join(', ')}`);
      log(
        `node torn down in ${((Date.now() - stopStarted) / 1000).toFixed(1)}s${problems.length > 0 ? `; PROBLEMS: ${problems.join('; ')}` : ', machine clean'}`,
      );
    } finally {
      await releaseLock();
    }
    if (problems.length > 0) throw new Error(`real-node teardown left state behind: ${problems.join('; ')}`);
  };

  try {
    // A previous run that died leaves its state: clear it first (same steps as teardown).
    await killNodeProcesses(paths.containerdSocket);
    await unmountUnder([NODE_STATE_DIR, NODE_DATA_DIR]);
    await removeKubeletCgroups();
    await rm(NODE_STATE_DIR, { recursive: true, force: true });
    await rm(NODE_DATA_DIR, { recursive: true, force: true });
    await setupNodeNetwork(log);
    await createKubeletCgroupRoot();
    for (const dir of [paths.containerdRoot, paths.containerdState, paths.cniConfDir, paths.kubeletRoot, paths.podLogs, paths.ipamDataDir])
      await mkdir(dir, { recursive: true });
    const cpStarted = Date.now();
    controlPlane = await startControlPlane({
      log,
      placement: {
        address: NODE_NETWORK.nodeAddress,
        wrap: IN_NODE_NETNS,
        ports: { etcdClient: 2379, etcdPeer: 2380, apiserver: 6443, controllerManager: 10257 },
        serviceCidr: NODE_NETWORK.serviceCidr,
        node: { name: NODE_NAME },
      },
    });
    timings.controlPlaneSeconds = (Date.now() - cpStarted) / 1000;
    const workDir = controlPlane.info.workDir;
    const filled: NodePaths = {
      ...paths,
      pkiDir: join(workDir, 'pki'),
      kubeletKubeconfig: join(workDir, 'kubelet.kubeconfig'),
      kubeProxyKubeconfig: join(workDir, 'kube-proxy.kubeconfig'),
    };
    // A resolver that answers nothing, inside the pod: an empty file would make containerd copy this machine's.
    await writeFile(filled.resolvConf, 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    await writeFile(join(workDir, 'containerd.toml'), containerdConfig(filled));
    await writeFile(join(filled.cniConfDir, '10-mhf-pods.conflist'), cniConfig(filled));
    await writeFile(join(workDir, 'kubelet.json'), kubeletConfig(filled));
    await writeFile(join(workDir, 'kube-proxy.json'), kubeProxyConfig(filled));
    const logs = join(workDir, 'logs');
    const inNode = (name: string, command: string, args: string[]): Promise<ManagedProcess> =>
      startProcess({
        name,
        command: IN_NODE_NETNS[0]!,
        args: [...IN_NODE_NETNS.slice(1), command, ...args],
        logFile: join(logs, `${name}.log`),
        env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' },
      });

    processes.push(await inNode('containerd', 'containerd', ['--config', join(workDir, 'containerd.toml')]));
    await waitFor('containerd socket', async () => (existsSync(filled.containerdSocket) ? true : undefined), 30_000, processes);
    const images = await prepareImages(filled, controlPlane.binaries.paths.pause, workDir, log, timings);
    const nodeStarted = Date.now();
    processes.push(await inNode('kubelet', controlPlane.binaries.paths.kubelet, kubeletArgs(filled, join(workDir, 'kubelet.json'))));
    processes.push(await inNode('kube-proxy', controlPlane.binaries.paths['kube-proxy'], [`--config=${join(workDir, 'kube-proxy.json')}`]));
    const core = controlPlane.admin.makeApiClient(CoreV1Api);
    await waitFor(`node ${NODE_NAME} Ready`, () => nodeReady(core), 120_000, processes);
    timings.nodeReadySeconds = (Date.now() - nodeStarted) / 1000;
    timings.totalStartSeconds = (Date.now() - started) / 1000;
    log(
      `node ${NODE_NAME} Ready at ${NODE_NETWORK.nodeAddress} (control plane ${timings.controlPlaneSeconds.toFixed(1)}s, node ${timings.nodeReadySeconds.toFixed(1)}s, total ${timings.totalStartSeconds.toFixed(1)}s)`,
    );
    return {
      info: {
        ...controlPlane.info,
        nodeName: NODE_NAME,
        nodeAddress: NODE_NETWORK.nodeAddress,
        containerdSocket: filled.containerdSocket,
        images,
        timings,
      },
      admin: controlPlane.admin,
      stop,
    };
  } catch (error) {
    log(`real node failed to start: ${error instanceof Error ? error.message : String(error)}`);
    await stop().catch((teardownError: unknown) => log(String(teardownError)));
    throw error;
  }
}

/** Delete every pod and wait until the kubelet has stopped them all (bounded: teardown goes on regardless). */
async function deleteAllPods(admin: KubeConfig, log: (line: string) => void): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const list = await core.listPodForAllNamespaces().catch(() => undefined);
  for (const pod of list?.items ?? []) {
    await core
      .deleteNamespacedPod({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, gracePeriodSeconds: 0 })
      .catch(() => undefined);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const left = (await core.listPodForAllNamespaces().catch(() => undefined))?.items.length ?? 0;
    if (left === 0) return;
    await sleep(500);
  }
  log('some pods were still terminating after 30 s; their processes are killed directly');
}
