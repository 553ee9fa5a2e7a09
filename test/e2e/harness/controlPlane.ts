import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { resolveBinaries, type ResolvedBinaries } from './binaries.js';
import { installToolhiveCrds } from './crds.js';
import { toolhiveCrdsDir } from './toolhiveModule.js';
import { kubeconfigYaml } from './kubeconfig.js';
import {
  ADMIN_USER,
  CONTROLLER_MANAGER_USER,
  createControlPlanePki,
  KUBE_PROXY_USER,
  SCHEDULER_USER,
  type ControlPlanePki,
} from './pki.js';
import { freeLoopbackPort, isPortOpen } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { waitForApiServerReady, waitForHttpOk, waitForOk } from './readiness.js';
import type { ControlPlaneVersions } from './versions.js';

/** Plain data describing a running control plane: what globalSetup hands to test files via `provide`. */
export interface ControlPlaneInfo {
  server: string;
  /** Admin (system:masters) kubeconfig. */
  kubeconfigPath: string;
  kubectlPath: string;
  workDir: string;
  serverCaPem: string;
  clientCaPem: string;
  clientCaKeyPem: string;
  versions: ControlPlaneVersions;
  ports: { etcdClient: number; etcdPeer: number; apiserver: number; controllerManager: number };
}

export interface ControlPlane {
  info: ControlPlaneInfo;
  binaries: ResolvedBinaries;
  admin: KubeConfig;
  /** Seconds from start to CRDs Established (not counting a first build). */
  startupSeconds: number;
  /** Stop kube-controller-manager and kube-scheduler only (a node's teardown: nothing recreates pods after this). */
  stopControllers(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  log?: (line: string) => void;
  /** Keep the work dir (logs, data) after stop, for debugging. Default: env MCP_HF_E2E_KEEP=1. */
  keepWorkDir?: boolean;
  installCrds?: boolean;
  /** Run for a real node (test/e2e/node): inside its network namespace, reachable at its address. Default: loopback, no node. */
  placement?: Placement;
}

/**
 * Where the control plane runs and what it serves. The loopback placement (the default) has no node: pods stay
 * Pending, which is all admission needs. The node placement runs every process inside the node's network
 * namespace, serves the API on the node's address and adds the scheduler, the Node authorizer and kubelet access.
 */
export interface Placement {
  /** Address clients (tests, the kubelet, pods through the kubernetes Service) reach the API server at. */
  address: string;
  /** Prefix for every command: e.g. `nsenter --net=/run/netns/x`; empty runs it as it is. */
  wrap: readonly string[];
  /** Fixed ports in a namespace of our own; undefined: free loopback ports. */
  ports?: ControlPlaneInfo['ports'];
  serviceCidr: string;
  /** Extra PKI the node needs (kubelet client and serving certs, kube-proxy, scheduler), issued from the same CAs. */
  node?: { name: string };
}

export const LOOPBACK_PLACEMENT: Placement = { address: '127.0.0.1', wrap: [], serviceCidr: '10.96.0.0/24' };

// Loopback traffic (apiserver -> etcd, apiserver -> webhook) must never go through a proxy from the environment.
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) delete env[key];
  return env;
}

const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'disruption-controller',
  'garbage-collector-controller',
  'namespace-controller',
  // Pods need their namespace's "default" ServiceAccount to pass admission; kube-root-ca.crt for their token volume.
  'serviceaccount-controller',
  'root-ca-certificate-publisher-controller',
];

interface Started {
  processes: ManagedProcess[];
  ports: ControlPlaneInfo['ports'];
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  await Promise.all(Object.entries(files).map(([name, text]) => writeFile(join(dir, name), text, { mode: 0o600 })));
}

async function portsFor(placement: Placement): Promise<ControlPlaneInfo['ports']> {
  return (
    placement.ports ?? {
      etcdClient: await freeLoopbackPort(),
      etcdPeer: await freeLoopbackPort(),
      apiserver: await freeLoopbackPort(),
      controllerManager: await freeLoopbackPort(),
    }
  );
}

/** What the node placement adds to kube-apiserver: the Node authorizer, NodeRestriction, verified kubelet access. */
function nodeApiserverArgs(placement: Placement, pkiDir: string): string[] {
  if (placement.node === undefined) return ['--authorization-mode=RBAC'];
  return [
    '--authorization-mode=Node,RBAC',
    '--enable-admission-plugins=NodeRestriction',
    `--kubelet-client-certificate=${join(pkiDir, 'apiserver-kubelet-client.crt')}`,
    `--kubelet-client-key=${join(pkiDir, 'apiserver-kubelet-client.key')}`,
    `--kubelet-certificate-authority=${join(pkiDir, 'server-ca.crt')}`,
    '--kubelet-preferred-address-types=InternalIP',
  ];
}

async function startProcesses(
  binaries: ResolvedBinaries,
  workDir: string,
  pki: ControlPlanePki,
  placement: Placement,
  log: (line: string) => void,
): Promise<Started> {
  const ports = await portsFor(placement);
  const pkiDir = join(workDir, 'pki');
  const logs = join(workDir, 'logs');
  const env = childEnv();
  const processes: ManagedProcess[] = [];
  const server = `https://${placement.address}:${ports.apiserver}`;
  const run = (command: string, args: string[]): { command: string; args: string[] } =>
    placement.wrap.length === 0 ? { command, args } : { command: placement.wrap[0]!, args: [...placement.wrap.slice(1), command, ...args] };
  // Kubeconfigs name the API server's port, so each attempt writes them before starting what reads them.
  await writeKubeconfigs(workDir, pki, server);
  try {
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    const etcdData = join(workDir, `etcd-${ports.etcdClient}`);
    processes.push(
      await startProcess({
        name: 'etcd',
        ...run(binaries.paths.etcd, [
          '--name=e2e',
          `--data-dir=${etcdData}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=e2e=${peerUrl}`,
          // Throwaway data: durability buys nothing and fsync dominates on shared disks.
          '--unsafe-no-fsync',
          '--log-level=warn',
        ]),
        logFile: join(logs, 'etcd.log'),
        env,
      }),
    );
    // In a namespace of our own, etcd's loopback is not ours to probe: the API server's readiness covers it.
    if (placement.wrap.length === 0) await waitForHttpOk(`${etcdUrl}/health`, processes[0]!, 30_000);
    processes.push(
      await startProcess({
        name: 'kube-apiserver',
        ...run(binaries.paths['kube-apiserver'], [
          `--etcd-servers=${etcdUrl}`,
          `--bind-address=${placement.wrap.length === 0 ? placement.address : '0.0.0.0'}`,
          `--advertise-address=${placement.address}`,
          `--secure-port=${ports.apiserver}`,
          `--cert-dir=${pkiDir}`,
          `--tls-cert-file=${join(pkiDir, 'apiserver.crt')}`,
          `--tls-private-key-file=${join(pkiDir, 'apiserver.key')}`,
          `--client-ca-file=${join(pkiDir, 'client-ca.crt')}`,
          // Webhooks that ask get a client certificate (docs/install.md: "Authenticating the API server").
          `--admission-control-config-file=${join(workDir, 'admission-config.yaml')}`,
          ...nodeApiserverArgs(placement, pkiDir),
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(pkiDir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(pkiDir, 'sa.key')}`,
          `--service-cluster-ip-range=${placement.serviceCidr}`,
          '--allow-privileged=true',
          '--profiling=false',
        ]),
        logFile: join(logs, 'kube-apiserver.log'),
        env,
      }),
    );
    await waitForApiServerReady({ server, caPem: pki.serverCa.certPem, client: pki.admin }, processes[1]!, 90_000);
    processes.push(
      await startProcess({
        name: 'kube-controller-manager',
        ...run(binaries.paths['kube-controller-manager'], [
          `--kubeconfig=${join(workDir, 'kube-controller-manager.kubeconfig')}`,
          // With a node, every default controller (node lifecycle, endpoints for Services, ...) as in a cluster.
          `--controllers=${placement.node === undefined ? CONTROLLERS.join(',') : '*'}`,
          // Each controller gets its own ServiceAccount and RBAC role, as in a real cluster.
          '--use-service-account-credentials=true',
          `--root-ca-file=${join(pkiDir, 'server-ca.crt')}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${ports.controllerManager}`,
          `--cert-dir=${join(pkiDir, 'kube-controller-manager')}`,
          '--profiling=false',
        ]),
        logFile: join(logs, 'kube-controller-manager.log'),
        env,
      }),
    );
    // The controller manager is up and authorised when its serviceaccount controller has created "default".
    await waitForOk(
      { url: `${server}/api/v1/namespaces/default/serviceaccounts/default`, tls: { caPem: pki.serverCa.certPem, client: pki.admin } },
      processes[2]!,
      60_000,
    );
    if (placement.node !== undefined) {
      processes.push(
        await startProcess({
          name: 'kube-scheduler',
          ...run(binaries.paths['kube-scheduler'], [
            `--kubeconfig=${join(workDir, 'kube-scheduler.kubeconfig')}`,
            `--authentication-kubeconfig=${join(workDir, 'kube-scheduler.kubeconfig')}`,
            `--authorization-kubeconfig=${join(workDir, 'kube-scheduler.kubeconfig')}`,
            '--leader-elect=false',
            '--bind-address=127.0.0.1',
            '--secure-port=10259',
            '--profiling=false',
          ]),
          logFile: join(logs, 'kube-scheduler.log'),
          env,
        }),
      );
    }
    log(`control plane processes: ${processes.map((p) => `${p.name}=${p.pid}`).join(' ')}`);
    return { processes, ports };
  } catch (error) {
    await stopAll(processes);
    throw error;
  }
}

async function stopAll(processes: ManagedProcess[]): Promise<void> {
  for (const managed of [...processes].reverse()) await managed.stop();
}

function isPortClash(error: unknown): boolean {
  return error instanceof Error && /address already in use|bind: /i.test(error.message);
}

/** Start etcd, kube-apiserver and kube-controller-manager on free loopback ports; install the ToolHive CRDs. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = options.log ?? ((line: string): void => void process.stderr.write(`[control-plane] ${line}\n`));
  const keepWorkDir = options.keepWorkDir ?? process.env.MCP_HF_E2E_KEEP === '1';
  const placement = options.placement ?? LOOPBACK_PLACEMENT;
  const binaries = await resolveBinaries({ log });
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), placement.node === undefined ? 'mcp-hf-e2e-' : 'mcp-hf-node-'));
  const pkiDir = join(workDir, 'pki');
  await mkdir(join(pkiDir, 'kube-controller-manager'), { recursive: true });
  await mkdir(join(workDir, 'logs'));
  const pki = await createControlPlanePki({
    apiserverIps: [placement.address],
    ...(placement.node ? { nodeName: placement.node.name, nodeIp: placement.address } : {}),
  });
  await writeFiles(pkiDir, {
    'server-ca.crt': pki.serverCa.certPem,
    'client-ca.crt': pki.clientCa.certPem,
    'apiserver.crt': pki.apiserverServing.certPem,
    'apiserver.key': pki.apiserverServing.keyPem,
    'sa.key': pki.serviceAccountKeyPem,
    'sa.pub': pki.serviceAccountPublicKeyPem,
    ...(pki.node
      ? {
          'apiserver-kubelet-client.crt': pki.node.apiserverKubeletClient.certPem,
          'apiserver-kubelet-client.key': pki.node.apiserverKubeletClient.keyPem,
          'kubelet.crt': pki.node.kubeletServing.certPem,
          'kubelet.key': pki.node.kubeletServing.keyPem,
        }
      : {}),
  });
  let launched: Started | undefined;
  let lastError: unknown;
  // A port handed out by the kernel can be taken by someone else before our server binds it: retry with new ones.
  for (let attempt = 1; attempt <= 3 && !launched; attempt++) {
    try {
      launched = await startProcesses(binaries, workDir, pki, placement, log);
    } catch (error) {
      lastError = error;
      if (!isPortClash(error)) break;
      log(`port clash on attempt ${attempt}, retrying with new ports`);
    }
  }
  if (!launched) {
    if (!keepWorkDir) log(`control plane failed to start; logs kept in ${join(workDir, 'logs')}`);
    throw lastError;
  }
  const { processes, ports } = launched;
  const server = `https://${placement.address}:${ports.apiserver}`;
  const kubeconfigPath = join(workDir, 'admin.kubeconfig');
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfigPath);
  const stop = async (): Promise<void> => {
    await stopAll(processes);
    // Loopback ports are only ours to check in this namespace; a node's namespace goes away whole.
    const ours = placement.wrap.length === 0 ? Object.values(ports) : [];
    const stillOpen = (await Promise.all(ours.map(async (port) => ((await isPortOpen(port)) ? port : undefined)))).filter(
      (port) => port !== undefined,
    );
    if (stillOpen.length > 0) log(`warning: ports still accepting connections after teardown: ${stillOpen.join(', ')}`);
    if (keepWorkDir) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  };
  try {
    if (options.installCrds ?? true) await installToolhiveCrds(admin, await toolhiveCrdsDir(), log);
  } catch (error) {
    await stop();
    throw error;
  }
  const startupSeconds = (Date.now() - started) / 1000;
  log(
    `control plane ready at ${server} in ${startupSeconds.toFixed(1)}s (Kubernetes ${binaries.versions.kubernetes}, etcd ${binaries.versions.etcd})`,
  );
  return {
    info: {
      server,
      kubeconfigPath,
      kubectlPath: binaries.paths.kubectl,
      workDir,
      serverCaPem: pki.serverCa.certPem,
      clientCaPem: pki.clientCa.certPem,
      clientCaKeyPem: pki.clientCaKeyPem,
      versions: binaries.versions,
      ports,
    },
    binaries,
    admin,
    startupSeconds,
    stopControllers: async () => {
      for (const managed of processes.filter((p) => p.name === 'kube-scheduler' || p.name === 'kube-controller-manager'))
        await managed.stop();
    },
    stop,
  };
}

async function writeKubeconfigs(workDir: string, pki: ControlPlanePki, server: string): Promise<void> {
  const config = (user: string, client: ControlPlanePki['admin']): string =>
    kubeconfigYaml({ server, caPem: pki.serverCa.certPem, user, client });
  await writeFiles(workDir, {
    'admission-config.yaml': admissionConfiguration(join(workDir, 'admission-kubeconfig.yaml')),
    'admission-kubeconfig.yaml': admissionKubeconfig(pki.admissionClient),
    'admin.kubeconfig': config(ADMIN_USER, pki.admin),
    'kube-controller-manager.kubeconfig': config(CONTROLLER_MANAGER_USER, pki.controllerManager),
    ...(pki.node
      ? {
          'kube-scheduler.kubeconfig': config(SCHEDULER_USER, pki.node.scheduler),
          'kubelet.kubeconfig': config(`system:node:${pki.node.name}`, pki.node.kubeletClient),
          'kube-proxy.kubeconfig': config(KUBE_PROXY_USER, pki.node.kubeProxy),
        }
      : {}),
  });
}

/** The API server's admission plugin config: one kubeconfig for every webhook it calls. */
function admissionConfiguration(kubeconfigFile: string): string {
  const plugin = (name: string): string =>
    `  - name: ${name}\n    configuration:\n      apiVersion: apiserver.config.k8s.io/v1\n      kind: WebhookAdmissionConfiguration\n      kubeConfigFile: ${JSON.stringify(kubeconfigFile)}\n`;
  return `apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n${plugin('ValidatingAdmissionWebhook')}${plugin('MutatingAdmissionWebhook')}`;
}

/** `*` matches every webhook host: the API server presents this certificate to whichever asks for one. */
function admissionKubeconfig(client: ControlPlanePki['admin']): string {
  const b64 = (text: string): string => Buffer.from(text).toString('base64');
  return `apiVersion: v1\nkind: Config\nusers:\n  - name: "*"\n    user:\n      client-certificate-data: ${b64(client.certPem)}\n      client-key-data: ${b64(client.keyPem)}\n`;
}
