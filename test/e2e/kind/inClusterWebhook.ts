import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { AdmissionregistrationV1Api, AppsV1Api, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import {
  DEFAULT_CONFIGURATION_NAME,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE_NAME,
} from '../../../webhook/registrations/webhookConfigurations.js';
import type { Cluster } from '../harness/cluster.js';
import type { WebhookProcess, WebhookProcessOptions } from '../harness/webhookProcess.js';

// On kind (test/e2e/kind/run.sh) the API server cannot reach a process on this machine's loopback, so the
// suite's "webhook process" is the Deployment the manifests installed: stop = scale to 0, restart with other
// flags = patch its args and wait for the rollout, log = kubectl logs. The test files stay the same.

export const IN_CLUSTER_WEBHOOK_ENV = 'MCP_HF_E2E_WEBHOOK';
const CONTAINER = 'webhook';
/** The manifests' replica count (manifests/base/deployment.yaml). */
const REPLICAS = 2;
/** Where the installed args are remembered, so flags a test added are never taken for the base. */
const BASE_ARGS_ANNOTATION = 'e2e.mcp-header-forward.dev/base-args';
const run = promisify(execFile);

/** What the in-cluster stand-in reports as its URL: the Service the manifests' webhook configurations call. */
export const IN_CLUSTER_WEBHOOK_URL = `https://${DEFAULT_SERVICE_NAME}.${DEFAULT_NAMESPACE}.svc:443`;
/** The Service's `metrics` port (manifests/base/service.yaml). */
export const IN_CLUSTER_METRICS_URL = `http://${DEFAULT_SERVICE_NAME}.${DEFAULT_NAMESPACE}.svc:8080`;

export function inClusterWebhookRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[IN_CLUSTER_WEBHOOK_ENV] === 'in-cluster';
}

function containerArgs(deployment: V1Deployment): string[] {
  const container = deployment.spec?.template.spec?.containers.find((c) => c.name === CONTAINER);
  if (!container)
    throw new Error(
      `deployment ${DEFAULT_NAMESPACE}/${DEFAULT_SERVICE_NAME} has no container "${CONTAINER}": install manifests/overlays/self-signed`,
    );
  return container.args ?? [];
}

export async function inClusterWebhook(cluster: Cluster, options: WebhookProcessOptions = {}): Promise<WebhookProcess> {
  const apps = cluster.admin.makeApiClient(AppsV1Api);
  const target = { name: DEFAULT_SERVICE_NAME, namespace: DEFAULT_NAMESPACE };
  const installed = await apps.readNamespacedDeployment(target);
  const remembered = installed.metadata?.annotations?.[BASE_ARGS_ANNOTATION];
  const baseArgs = remembered ? (JSON.parse(remembered) as string[]) : containerArgs(installed);
  const configuration = await cluster.admin
    .makeApiClient(AdmissionregistrationV1Api)
    .readValidatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME });
  const caBundle = configuration.webhooks?.[0]?.clientConfig.caBundle ?? '';
  let extraArgs = [...(options.args ?? [])];
  let running = false;

  const rollout = async (replicas: number): Promise<void> => {
    const patch = {
      metadata: { annotations: { [BASE_ARGS_ANNOTATION]: JSON.stringify(baseArgs) } },
      spec: { replicas, template: { spec: { containers: [{ name: CONTAINER, args: [...baseArgs, ...extraArgs] }] } } },
    };
    await apps.patchNamespacedDeployment({ ...target, body: patch }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      const { metadata, status } = await apps.readNamespacedDeployment(target);
      const settled = (status?.observedGeneration ?? 0) >= (metadata?.generation ?? 0);
      const current = (status?.updatedReplicas ?? 0) === replicas && (status?.replicas ?? 0) === replicas;
      if (settled && current && (status?.readyReplicas ?? 0) === replicas) return;
      await sleep(500);
    }
    throw new Error(
      `deployment ${target.namespace}/${target.name} did not reach ${replicas} ready replicas in 180 s (kubectl -n ${target.namespace} describe deployment ${target.name})`,
    );
  };

  const readLog = async (): Promise<string> => {
    const { stdout } = await run(
      cluster.info.kubectlPath,
      [
        '--kubeconfig',
        cluster.info.kubeconfigPath,
        '-n',
        target.namespace,
        'logs',
        '-l',
        'app.kubernetes.io/name=mcp-header-forward,app.kubernetes.io/component=webhook',
        '--tail=-1',
        '--prefix',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  };

  await rollout(REPLICAS);
  running = true;
  return {
    url: IN_CLUSTER_WEBHOOK_URL,
    metricsUrl: IN_CLUSTER_METRICS_URL,
    caBundle,
    caPem: Buffer.from(caBundle, 'base64').toString('utf8'),
    logFile: `kubectl -n ${target.namespace} logs deployment/${target.name}`,
    args: () => extraArgs,
    isRunning: () => running,
    async stop(): Promise<void> {
      await rollout(0);
      running = false;
    },
    async restart(nextArgs?: readonly string[]): Promise<void> {
      if (nextArgs) extraArgs = [...nextArgs];
      await rollout(REPLICAS);
      running = true;
    },
    readLog,
    reviewed: async (name) => (await readLog()).includes(`"name":${JSON.stringify(name)}`),
  };
}
