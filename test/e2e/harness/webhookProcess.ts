import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCa, issueLeaf } from '../../../certs/x509.js';
import type { Cluster } from './cluster.js';
import { inClusterWebhook, inClusterWebhookRequested } from '../kind/inClusterWebhook.js';
import { CLI_ENTRY } from './paths.js';
import { freeLoopbackPort } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { waitForOk } from './readiness.js';

const HOUR = 60 * 60 * 1000;

/** The identity the shipped manifests give the webhook (ServiceAccount mcp-header-forward/mcp-header-forward). */
export const WEBHOOK_NAMESPACE = 'mcp-header-forward';
export const WEBHOOK_SERVICE_ACCOUNT = 'mcp-header-forward';
export const WEBHOOK_USER = `system:serviceaccount:${WEBHOOK_NAMESPACE}:${WEBHOOK_SERVICE_ACCOUNT}`;
const WEBHOOK_GROUPS = ['system:serviceaccounts', `system:serviceaccounts:${WEBHOOK_NAMESPACE}`];

export interface WebhookProcess {
  /** https://127.0.0.1:<port>, what clientConfig.url is built from. */
  url: string;
  /** http://127.0.0.1:<port> of --metrics-listen: GET /metrics there (plain HTTP, no CA). */
  metricsUrl: string;
  /** base64 PEM of the CA that signed the serving cert, for clientConfig.caBundle. */
  caBundle: string;
  caPem: string;
  logFile: string;
  /** The extra CLI args it currently runs with. */
  args(): readonly string[];
  isRunning(): boolean;
  stop(): Promise<void>;
  /** Stop and start again on the same port with the same certs, optionally with other extra args. */
  restart(extraArgs?: readonly string[]): Promise<void>;
  /** Everything the webhook wrote to stdout and stderr so far (across restarts). */
  readLog(): Promise<string>;
  /** Whether the webhook logged an admission review of an object named `name`. */
  reviewed(name: string): Promise<boolean>;
}

export interface WebhookProcessOptions {
  /** Extra flags after the required ones, e.g. ['--mode', 'warn']. */
  args?: readonly string[];
  /** Run as this user instead of the manifests' ServiceAccount identity (its RBAC comes from manifests/base/rbac.yaml). */
  user?: { name: string; groups: string[] };
  /** Serve these files (signed by caPem) instead of a fresh CA + cert: rotation tests rewrite them under the running webhook. */
  tls?: { certFile: string; keyFile: string; caPem: string };
}

/**
 * Run `mcp-header-forward webhook` from dist/ as a local process over TLS (serving cert for 127.0.0.1 from
 * certs/x509), authenticated to the API server as the webhook's ServiceAccount; waits for /readyz.
 */
export async function startWebhookProcess(cluster: Cluster, options: WebhookProcessOptions = {}): Promise<WebhookProcess> {
  // kind (test/e2e/kind/run.sh): the installed Deployment stands in for the local process.
  if (inClusterWebhookRequested()) return inClusterWebhook(cluster, options);
  if (!existsSync(CLI_ENTRY)) throw new Error(`${CLI_ENTRY} is missing: run \`make build\` (npm run build) before the e2e suite`);
  const dir = await mkdtemp(join(cluster.info.workDir, 'webhook-'));
  const certFile = options.tls?.certFile ?? join(dir, 'tls.crt');
  const keyFile = options.tls?.keyFile ?? join(dir, 'tls.key');
  let ca: { certPem: string };
  if (options.tls) {
    ca = { certPem: options.tls.caPem };
  } else {
    const issuer = await createCa({ commonName: 'mcp-header-forward e2e webhook CA', validForMs: 24 * HOUR });
    const serving = await issueLeaf(issuer, {
      commonName: '127.0.0.1',
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost'],
      validForMs: 24 * HOUR,
    });
    await writeFile(certFile, serving.certPem, { mode: 0o600 });
    await writeFile(keyFile, serving.keyPem, { mode: 0o600 });
    ca = issuer;
  }
  const kubeconfigFile = join(dir, 'kubeconfig');
  const user = options.user ?? { name: WEBHOOK_USER, groups: WEBHOOK_GROUPS };
  await writeFile(kubeconfigFile, await cluster.userKubeconfigYaml(user.name, user.groups), { mode: 0o600 });
  const port = await freeLoopbackPort();
  const url = `https://127.0.0.1:${port}`;
  const metricsPort = await freeLoopbackPort();
  const logFile = join(dir, 'webhook.log');
  let extraArgs = [...(options.args ?? [])];
  let current: ManagedProcess | undefined;

  const launch = async (): Promise<void> => {
    const managed = await startProcess({
      name: 'mcp-header-forward webhook',
      command: process.execPath,
      args: [
        CLI_ENTRY,
        'webhook',
        '--listen',
        `127.0.0.1:${port}`,
        '--metrics-listen',
        `127.0.0.1:${metricsPort}`,
        '--tls-cert-file',
        certFile,
        '--tls-key-file',
        keyFile,
        '--kubeconfig',
        kubeconfigFile,
        // One process per test needs no Lease (the shared control plane has no Lease Role for it): it leads.
        ...(extraArgs.some((a) => a.startsWith('--leader-election')) ? [] : ['--leader-election', 'false']),
        ...extraArgs,
      ],
      logFile,
    });
    current = managed;
    await waitForOk({ url: `${url}/readyz`, tls: { caPem: ca.certPem } }, managed, 30_000);
  };
  await launch();
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    caBundle: Buffer.from(ca.certPem).toString('base64'),
    caPem: ca.certPem,
    logFile,
    args: () => extraArgs,
    isRunning: () => current?.isRunning() ?? false,
    async stop(): Promise<void> {
      await current?.stop();
    },
    async restart(nextArgs?: readonly string[]): Promise<void> {
      await current?.stop();
      if (nextArgs) extraArgs = [...nextArgs];
      await launch();
    },
    readLog: () => readFile(logFile, 'utf8'),
    reviewed: async (name) => (await readFile(logFile, 'utf8')).includes(`"name":${JSON.stringify(name)}`),
  };
}
