import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
  type V1Secret,
} from '@kubernetes/client-node';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';
import { mutatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { cacheDirFor } from '../../test/e2e/harness/binaries.js';
import { connect } from '../../test/e2e/harness/cluster.js';
import { startControlPlane, type ControlPlane } from '../../test/e2e/harness/controlPlane.js';
import { KUBERNETES_GOBUILD_DIR } from '../../test/e2e/harness/paths.js';
import { parseGoModVersions } from '../../test/e2e/harness/versions.js';
import { startWebhookProcess, type WebhookProcess } from '../../test/e2e/harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook } from '../../test/e2e/harness/webhookRegistration.js';
import type { ApiServerMeasurement } from '../report/model.js';
import { mergeHistograms, parseHistograms, quantile } from '../report/promHistogram.js';
import { NAMESPACE, entryWithTenHeaders, forCreate, routedEntries, secrets, virtualMcpServer, vmcpPod } from '../webhook/fixtures.js';

// Through a real kube-apiserver (the e2e harness): 1000 entries and 1000 vMCP pods created through our
// registered webhooks, then the API server's own view of each webhook call from its /metrics.

const run = promisify(execFile);
export const API_SERVER_OBJECTS = 1000;
const CREATE_CONCURRENCY = 16;
const METRIC = 'apiserver_admission_webhook_admission_duration_seconds';

/** Why the part cannot run here without a long first build, or undefined when it can. */
export async function apiServerUnavailable(): Promise<string | undefined> {
  if (process.env.KUBEBUILDER_ASSETS) return undefined;
  const versions = parseGoModVersions(await readFile(join(KUBERNETES_GOBUILD_DIR, 'go.mod'), 'utf8'));
  const dir = cacheDirFor(versions);
  return existsSync(join(dir, '.complete'))
    ? undefined
    : `kube-apiserver ${versions.kubernetes} is not built yet (${dir}); run make e2e once (it builds and caches it), then rerun make bench`;
}

async function inPool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const done = await probe().catch((error: unknown) => {
      last = error instanceof Error ? error.message.slice(0, 300) : String(error);
      return false;
    });
    if (done) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${last})`);
}

export function summarizeAdmissionMetrics(metricsText: string): ApiServerMeasurement['byWebhook'] {
  const ours = parseHistograms(metricsText, METRIC).filter((h) => h.labels.name?.includes('mcp-header-forward'));
  const byWebhook = new Map<string, typeof ours>();
  for (const h of ours)
    byWebhook.set(`${h.labels.type}\0${h.labels.name}`, [...(byWebhook.get(`${h.labels.type}\0${h.labels.name}`) ?? []), h]);
  return [...byWebhook.entries()].map(([key, histograms]) => {
    const [type, name] = key.split('\0') as [string, string];
    const merged = mergeHistograms(histograms, { type, name });
    return { name, type, count: merged.count, p50ms: quantile(merged, 0.5) * 1000, p99ms: quantile(merged, 0.99) * 1000 };
  });
}

async function setUp(cp: ControlPlane, log: (line: string) => void): Promise<WebhookProcess> {
  const cluster = connect(cp.info);
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  await waitFor('the default ServiceAccount', async () =>
    Boolean(await core.readNamespacedServiceAccount({ namespace: NAMESPACE, name: 'default' })),
  );
  // The vMCP pod runs as the ServiceAccount the operator creates for it.
  await core.createNamespacedServiceAccount({
    namespace: NAMESPACE,
    body: { metadata: { name: (vmcpPod().spec as { serviceAccountName: string }).serviceAccountName } },
  });
  for (const secret of secrets()) await core.createNamespacedSecret({ namespace: NAMESPACE, body: forCreate(secret) as V1Secret });
  await custom.createNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NAMESPACE,
    plural: VMCP_PLURAL,
    body: forCreate(virtualMcpServer()),
  });
  await applyWebhookRbac(cluster.admin);
  const webhook = await startWebhookProcess(cluster, { args: ['--api-server-host', '127.0.0.1'] });
  await registerValidatingWebhook(cluster.admin, webhook, { probeNamespace: NAMESPACE });
  for (const entry of routedEntries()) {
    await custom.createNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NAMESPACE,
      plural: ENTRY_PLURAL,
      body: forCreate(entry),
    });
  }
  const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  const body = mutatingWebhookConfiguration({
    name: 'mcp-header-forward-bench',
    endpoint: { url: webhook.url },
    caBundle: webhook.caBundle,
  }) as V1MutatingWebhookConfiguration;
  await admission.createMutatingWebhookConfiguration({ body });
  await waitFor('the webhook to inject a dry-run vMCP pod with all 20 routes', async () => {
    const pod = await core.createNamespacedPod({ namespace: NAMESPACE, body: forCreate(vmcpPod()) as V1Pod, dryRun: 'All' });
    const containers = (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.containers.length ?? 0);
    if (containers <= 1) throw new Error('the dry-run pod came back without the sidecar');
    return true;
  });
  log('API server: webhook registered and injecting');
  return webhook;
}

export async function runApiServerPhase(log: (line: string) => void): Promise<ApiServerMeasurement> {
  const cp = await startControlPlane({ log: (line) => log(`control plane: ${line}`) });
  let webhook: WebhookProcess | undefined;
  try {
    webhook = await setUp(cp, log);
    const cluster = connect(cp.info);
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const custom = cluster.admin.makeApiClient(CustomObjectsApi);
    const names = Array.from({ length: API_SERVER_OBJECTS }, (_, i) => `load-${String(i).padStart(4, '0')}`);
    // Another group: these are validated, but the vMCP keeps selecting its 20 entries only.
    await inPool(names, CREATE_CONCURRENCY, (name) =>
      custom.createNamespacedCustomObject({
        group: TOOLHIVE_GROUP,
        version: 'v1beta1',
        namespace: NAMESPACE,
        plural: ENTRY_PLURAL,
        body: forCreate(entryWithTenHeaders(name, 'load')),
      }),
    );
    log(`API server: ${API_SERVER_OBJECTS} entries created`);
    await inPool(names, CREATE_CONCURRENCY, () => core.createNamespacedPod({ namespace: NAMESPACE, body: forCreate(vmcpPod()) as V1Pod }));
    log(`API server: ${API_SERVER_OBJECTS} pods created`);
    const { stdout } = await run(cp.info.kubectlPath, ['--kubeconfig', cp.info.kubeconfigPath, 'get', '--raw', '/metrics'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return { entries: API_SERVER_OBJECTS, pods: API_SERVER_OBJECTS, byWebhook: summarizeAdmissionMetrics(stdout) };
  } finally {
    await webhook?.stop();
    await cp.stop();
  }
}
