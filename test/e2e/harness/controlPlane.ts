import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { resolveBinaries, type ResolvedBinaries } from './binaries.js';
import { installToolhiveCrds } from './crds.js';
import { toolhiveCrdsDir } from './toolhiveModule.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { ADMIN_USER, CONTROLLER_MANAGER_USER, createControlPlanePki, type ControlPlanePki } from './pki.js';
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
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  log?: (line: string) => void;
  /** Keep the work dir (logs, data) after stop, for debugging. Default: env MCP_HF_E2E_KEEP=1. */
  keepWorkDir?: boolean;
  installCrds?: boolean;
}

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

async function startProcesses(binaries: ResolvedBinaries, workDir: string, pki: ControlPlanePki, log: (line: string) => void): Promise<Started> {
  const ports = {
    etcdClient: await freeLoopbackPort(),
    etcdPeer: await freeLoopbackPort(),
    apiserver: await freeLoopbackPort(),
    controllerManager: await freeLoopbackPort(),
  };
  const pkiDir = join(workDir, 'pki');
  const logs = join(workDir, 'logs');
  const env = childEnv();
  const processes: ManagedProcess[] = [];
  const server = `https://127.0.0.1:${ports.apiserver}`;
  // Kubeconfigs name the API server's port, so each attempt writes them before starting what reads them.
  await writeKubeconfigs(workDir, pki, server);
  try {
    const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`;
    const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
    const etcdData = join(workDir, `etcd-${ports.etcdClient}`);
    processes.push(
      await startProcess({
        name: 'etcd',
        command: binaries.paths.etcd,
        args: [
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
        ],
        logFile: join(logs, 'etcd.log'),
        env,
      }),
    );
    await waitForHttpOk(`${etcdUrl}/health`, processes[0]!, 30_000);
    processes.push(
      await startProcess({
        name: 'kube-apiserver',
        command: binaries.paths['kube-apiserver'],
        args: [
          `--etcd-servers=${etcdUrl}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${ports.apiserver}`,
          `--cert-dir=${pkiDir}`,
          `--tls-cert-file=${join(pkiDir, 'apiserver.crt')}`,
          `--tls-private-key-file=${join(pkiDir, 'apiserver.key')}`,
          `--client-ca-file=${join(pkiDir, 'client-ca.crt')}`,
          '--authorization-mode=RBAC',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(pkiDir, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(pkiDir, 'sa.key')}`,
          '--service-cluster-ip-range=10.96.0.0/24',
          '--allow-privileged=true',
          '--profiling=false',
        ],
        logFile: join(logs, 'kube-apiserver.log'),
        env,
      }),
    );
    await waitForApiServerReady({ server, caPem: pki.serverCa.certPem, client: pki.admin }, processes[1]!, 90_000);
    processes.push(
      await startProcess({
        name: 'kube-controller-manager',
        command: binaries.paths['kube-controller-manager'],
        args: [
          `--kubeconfig=${join(workDir, 'kube-controller-manager.kubeconfig')}`,
          `--controllers=${CONTROLLERS.join(',')}`,
          // Each controller gets its own ServiceAccount and RBAC role, as in a real cluster.
          '--use-service-account-credentials=true',
          `--root-ca-file=${join(pkiDir, 'server-ca.crt')}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${ports.controllerManager}`,
          `--cert-dir=${join(pkiDir, 'kube-controller-manager')}`,
          '--profiling=false',
        ],
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
  const binaries = await resolveBinaries({ log });
  const started = Date.now();
  const workDir = await mkdtemp(join(tmpdir(), 'mcp-hf-e2e-'));
  const pkiDir = join(workDir, 'pki');
  await mkdir(join(pkiDir, 'kube-controller-manager'), { recursive: true });
  await mkdir(join(workDir, 'logs'));
  const pki = await createControlPlanePki();
  await writeFiles(pkiDir, {
    'server-ca.crt': pki.serverCa.certPem,
    'client-ca.crt': pki.clientCa.certPem,
    'apiserver.crt': pki.apiserverServing.certPem,
    'apiserver.key': pki.apiserverServing.keyPem,
    'sa.key': pki.serviceAccountKeyPem,
    'sa.pub': pki.serviceAccountPublicKeyPem,
  });
  let launched: Started | undefined;
  let lastError: unknown;
  // A port handed out by the kernel can be taken by someone else before our server binds it: retry with new ones.
  for (let attempt = 1; attempt <= 3 && !launched; attempt++) {
    try {
      launched = await startProcesses(binaries, workDir, pki, log);
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
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const kubeconfigPath = join(workDir, 'admin.kubeconfig');
  const admin = new KubeConfig();
  admin.loadFromFile(kubeconfigPath);
  const stop = async (): Promise<void> => {
    await stopAll(processes);
    const stillOpen = (await Promise.all(Object.values(ports).map(async (port) => ((await isPortOpen(port)) ? port : undefined)))).filter(
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
  log(`control plane ready at ${server} in ${startupSeconds.toFixed(1)}s (Kubernetes ${binaries.versions.kubernetes}, etcd ${binaries.versions.etcd})`);
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
    stop,
  };
}

async function writeKubeconfigs(workDir: string, pki: ControlPlanePki, server: string): Promise<void> {
  await writeFiles(workDir, {
    'admin.kubeconfig': kubeconfigYaml({ server, caPem: pki.serverCa.certPem, user: ADMIN_USER, client: pki.admin }),
    'kube-controller-manager.kubeconfig': kubeconfigYaml({
      server,
      caPem: pki.serverCa.certPem,
      user: CONTROLLER_MANAGER_USER,
      client: pki.controllerManager,
    }),
  });
}
