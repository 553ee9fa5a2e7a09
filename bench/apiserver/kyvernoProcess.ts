import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '../../test/e2e/harness/cluster.js';
import { installCrds, readCrds } from '../../test/e2e/harness/crds.js';
import { goModuleDir } from '../../test/e2e/harness/goModule.js';
import { KYVERNO_MODULE } from '../../test/e2e/harness/policyReportCrd.js';
import { freeLoopbackPort } from '../../test/e2e/harness/ports.js';
import { startProcess, type ManagedProcess } from '../../test/e2e/harness/processes.js';
import { logTail } from '../../test/e2e/harness/readiness.js';
import { KYVERNO_GOBUILD_DIR, type KyvernoBinary } from './kyvernoBinary.js';
import { kyvernoSecretRefPolicy } from './kyvernoPolicy.js';
import { waitFor } from './waitFor.js';

// Kyverno's admission controller run out of cluster against the harness's API server, the way its own docs run it
// for development: --kubeconfig, and --serverIP so it registers its webhooks by URL (https://<serverIP>/...) and
// puts that IP in the serving certificate it generates (its cert-manager controller keeps CA and pair in Secrets
// of its namespace). Everything listens on 127.0.0.1. Its CRDs come from the same Go module, config/crds.

export const KYVERNO_NAMESPACE = 'kyverno';
const SERVICE_ACCOUNT = 'kyverno';
/** The ServiceAccount identity Kyverno runs as (a client certificate for that user): its own checks ask RBAC about it. */
const KYVERNO_USER = `system:serviceaccount:${KYVERNO_NAMESPACE}:${SERVICE_ACCOUNT}`;
const KYVERNO_GROUPS = ['system:serviceaccounts', `system:serviceaccounts:${KYVERNO_NAMESPACE}`];
const CRD_DIRS = ['kyverno', 'policies.kyverno.io', 'reports', 'policyreport'].map((d) => join('config', 'crds', d));
const RESOURCE_WEBHOOKS = 'kyverno-resource-validating-webhook-cfg';
/** Kyverno's client defaults to 100 requests/s; each entry costs it 6 Secret GETs, so the bench lifts the throttle. */
export const KYVERNO_CLIENT_QPS = 2000;

export interface KyvernoProcess {
  /** Its process group, for CPU readings. */
  pid: number;
  version: string;
  /** How it was run, for the report. */
  setup: string;
  logFile: string;
  stop(): Promise<void>;
}

export interface KyvernoStart {
  binary: KyvernoBinary;
  cluster: Cluster;
  workDir: string;
  /** Kyverno's resource webhooks only see namespaces with this label (its `webhooks` config): the peer's own. */
  namespaceSelector: { matchLabels: Record<string, string> };
  log: (line: string) => void;
}

async function installKyvernoCrds(admin: KubeConfig, log: (line: string) => void): Promise<void> {
  const module = await goModuleDir({
    module: KYVERNO_MODULE,
    gobuildDir: KYVERNO_GOBUILD_DIR,
    missingGo: `\`go\` is not on PATH: Kyverno's CRDs come from the Go module pinned in ${KYVERNO_GOBUILD_DIR}/go.mod`,
  });
  const crds = (await Promise.all(CRD_DIRS.map((dir) => readCrds(join(module.dir, dir))))).flat();
  await installCrds(admin, crds);
  log(`installed ${crds.length} Kyverno CRDs from ${KYVERNO_MODULE}@${module.version}`);
}

/**
 * The namespace, its ServiceAccount bound to cluster-admin (the chart's ClusterRoles are narrower; the bench
 * measures latency, not least privilege), and the `kyverno` ConfigMap: which namespaces its resource webhooks select.
 */
async function prepareNamespace(admin: KubeConfig, namespaceSelector: KyvernoStart['namespaceSelector']): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: KYVERNO_NAMESPACE } } });
  await core.createNamespacedServiceAccount({ namespace: KYVERNO_NAMESPACE, body: { metadata: { name: SERVICE_ACCOUNT } } });
  await admin.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
    body: {
      metadata: { name: 'kyverno-bench' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: SERVICE_ACCOUNT, namespace: KYVERNO_NAMESPACE }],
    },
  });
  for (const name of ['kyverno', 'kyverno-metrics']) {
    const data: Record<string, string> = name === 'kyverno' ? { webhooks: JSON.stringify({ namespaceSelector }) } : {};
    await core.createNamespacedConfigMap({ namespace: KYVERNO_NAMESPACE, body: { metadata: { name }, data } });
  }
}

function kyvernoArgs(kubeconfigPath: string, port: number, metricsPort: number): string[] {
  return [
    `--kubeconfig=${kubeconfigPath}`,
    `--serverIP=127.0.0.1:${port}`,
    '--webhookServerHost=127.0.0.1',
    `--webhookServerPort=${port}`,
    `--caSecretName=kyverno-svc.${KYVERNO_NAMESPACE}.svc.kyverno-tls-ca`,
    `--tlsSecretName=kyverno-svc.${KYVERNO_NAMESPACE}.svc.kyverno-tls-pair`,
    '--metricsHost=127.0.0.1',
    `--metricsPort=${metricsPort}`,
    '--controllerRuntimeMetricsAddress=0',
    // Written after the response, they would load the API server during the bursts that follow Kyverno's.
    '--admissionReports=false',
    `--clientRateLimitQPS=${KYVERNO_CLIENT_QPS}`,
    `--clientRateLimitBurst=${KYVERNO_CLIENT_QPS}`,
    '--loggingFormat=text',
    '--disableLogColor',
  ];
}

function hasEntryRule(webhooks: { rules?: { resources?: string[] }[] }[] | undefined): boolean {
  return (webhooks ?? []).some((w) => (w.rules ?? []).some((r) => (r.resources ?? []).includes('mcpserverentries')));
}

/** Start Kyverno, apply the ClusterPolicy, and wait until its resource webhook selects MCPServerEntries. */
export async function startKyverno(options: KyvernoStart): Promise<KyvernoProcess> {
  const { cluster, log } = options;
  const admin = cluster.admin;
  await installKyvernoCrds(admin, log);
  await prepareNamespace(admin, options.namespaceSelector);
  const kubeconfigPath = join(options.workDir, 'kyverno.kubeconfig');
  await writeFile(kubeconfigPath, await cluster.userKubeconfigYaml(KYVERNO_USER, KYVERNO_GROUPS), { mode: 0o600 });
  const port = await freeLoopbackPort();
  const metricsPort = await freeLoopbackPort();
  const logFile = join(options.workDir, 'kyverno.log');
  const managed: ManagedProcess = await startProcess({
    name: 'kyverno',
    command: options.binary.path,
    args: kyvernoArgs(kubeconfigPath, port, metricsPort),
    logFile,
    env: {
      ...process.env,
      // What the chart's Deployment sets; Kyverno refuses to start without them.
      KYVERNO_NAMESPACE,
      KYVERNO_SERVICEACCOUNT_NAME: SERVICE_ACCOUNT,
      KYVERNO_DEPLOYMENT: 'kyverno',
      KYVERNO_POD_NAME: 'kyverno-bench',
      INIT_CONFIG: 'kyverno',
      METRICS_CONFIG: 'kyverno-metrics',
      // Belt and braces for the loopback-only rule: any HTTP(S) call to a non-loopback host (a registry, TUF)
      // goes to a closed local port instead of leaving the machine; loopback (the API server) is never proxied.
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost',
    },
  });
  const alive = async (): Promise<void> => {
    if (!managed.isRunning()) throw new Error(`kyverno exited; log ${logFile}:\n${await logTail(managed)}`);
  };
  try {
    // Kyverno reviews policies itself; until its webhook serves, a create can fail on that webhook: retry until it lands.
    const custom = admin.makeApiClient(CustomObjectsApi);
    await waitFor(
      `the ClusterPolicy to be admitted (log ${logFile})`,
      async () => {
        await alive();
        await custom
          .createClusterCustomObject({ group: 'kyverno.io', version: 'v1', plural: 'clusterpolicies', body: kyvernoSecretRefPolicy() })
          .catch((error: { code?: number }) => {
            if (error.code !== 409) throw error;
          });
        return true;
      },
      120_000,
    );
    const admission = admin.makeApiClient(AdmissionregistrationV1Api);
    await waitFor(
      `Kyverno to register its resource webhook for MCPServerEntries (log ${logFile})`,
      async () => {
        await alive();
        const config = await admission.readValidatingWebhookConfiguration({ name: RESOURCE_WEBHOOKS });
        return hasEntryRule(config.webhooks);
      },
      120_000,
    );
  } catch (error) {
    await managed.stop();
    throw error;
  }
  log(`Kyverno ${options.binary.version} (${options.binary.source}) serving on 127.0.0.1:${port}, policy applied`);
  return {
    pid: managed.pid,
    version: options.binary.version,
    setup:
      `Kyverno ${options.binary.version} admission controller (cmd/kyverno built from its Go module), out of cluster with ` +
      `--serverIP, as its ServiceAccount bound to cluster-admin, client rate limit ${KYVERNO_CLIENT_QPS}/s (default 100/s), admission reports off, ` +
      `other flags default; a ClusterPolicy with one context.apiCall GET per Secret reference`,
    logFile,
    stop: () => managed.stop(),
  };
}
