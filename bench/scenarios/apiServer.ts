import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
  type V1Secret,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { INJECT_DISABLED, INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';
import {
  NAMESPACE_NAME_LABEL,
  VALIDATING_WEBHOOK_NAME,
  mutatingWebhookConfiguration,
} from '../../webhook/registrations/webhookConfigurations.js';
import { cacheDirFor } from '../../test/e2e/harness/binaries.js';
import { connect, type Cluster } from '../../test/e2e/harness/cluster.js';
import { startControlPlane, type ControlPlane } from '../../test/e2e/harness/controlPlane.js';
import { KUBERNETES_GOBUILD_DIR } from '../../test/e2e/harness/paths.js';
import { parseGoModVersions } from '../../test/e2e/harness/versions.js';
import { startWebhookProcess, type WebhookProcess } from '../../test/e2e/harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook } from '../../test/e2e/harness/webhookRegistration.js';
import { burstOrder, timeCreates } from '../apiserver/burst.js';
import { findKyvernoBinary } from '../apiserver/kyvernoBinary.js';
import { cpuMs, findProcess } from '../apiserver/processCpu.js';
import { startKyverno, type KyvernoProcess } from '../apiserver/kyvernoProcess.js';
import { waitFor } from '../apiserver/waitFor.js';
import { webhookLatencies, webhookLatenciesBetween, admissionHistograms } from '../report/admissionHistogram.js';
import { cpuPerCreate, summarizeBurst } from '../report/createBurst.js';
import type { Admission, ApiServerMeasurement, BurstResource, CreateBurst, Skip } from '../report/model.js';
import { NAMESPACE, entryWithTenHeaders, forCreate, routedEntries, secrets, virtualMcpServer, vmcpPod } from '../webhook/fixtures.js';

// Through a real kube-apiserver (the e2e harness): bursts of 1000 creates timed by the client, per create, three
// ways on the same control plane: nobody reviewing (the baseline), our webhooks, and the peer (Kyverno with the
// same Secret check as a ClusterPolicy). Each admission has its own namespace and the webhooks' namespace
// selectors keep them apart, so all stay registered and the bursts alternate round by round. The API server's
// own histogram of each webhook call is taken over each burst (its /metrics before and after).

const run = promisify(execFile);
export const API_SERVER_OBJECTS = 1000;
/**
 * 16 at once, as a GitOps sync or a rollout sends them, saturates this 2-core control plane (the baseline's own p99
 * moves by ±50 ms between rounds); one at a time, as `kubectl apply -f dir/` sends them, shows what a review adds to
 * an API server with room to spare.
 */
const CREATE_CONCURRENCIES = [16, 1] as const;
/** One at a time is slow (each create waits for the last): those bursts are this share of the objects. */
const SEQUENTIAL_SHARE = 0.3;
/** Rounds of bursts; within a round every admission runs once, the order rotating from round to round. */
export const BURST_ROUNDS = 2;

/** Where each admission's bursts go: our fixtures' namespace, one no webhook selects, and the peer's. */
const NAMESPACES: Record<'none' | 'ours' | 'kyverno', string> = {
  ours: NAMESPACE,
  none: `${NAMESPACE}-baseline`,
  kyverno: `${NAMESPACE}-kyverno`,
};

/** Why the part cannot run here without a long first build, or undefined when it can. */
export async function apiServerUnavailable(): Promise<string | undefined> {
  if (process.env.KUBEBUILDER_ASSETS) return undefined;
  const versions = parseGoModVersions(await readFile(join(KUBERNETES_GOBUILD_DIR, 'go.mod'), 'utf8'));
  const dir = cacheDirFor(versions);
  return existsSync(join(dir, '.complete'))
    ? undefined
    : `kube-apiserver ${versions.kubernetes} is not built yet (${dir}); run make e2e once (it builds and caches it), then rerun make bench`;
}

type Json = Record<string, unknown>;

function inNamespace(object: Json, namespace: string): Json {
  return { ...object, metadata: { ...(object.metadata as Json), namespace } };
}

/** The burst's entry: 10 headers, 6 of them from 3 Secrets, so every reviewer looks up Secrets. */
function loadEntry(name: string, namespace: string): Json {
  return inNamespace(forCreate(entryWithTenHeaders(name, 'load')), namespace);
}

/** An entry whose Secret does not exist: whoever reviews it must deny it. */
function entryWithMissingSecret(namespace: string): Json {
  const entry = loadEntry('probe-missing-secret', namespace);
  const spec = entry.spec as { headerForward: { addHeadersFromSecret: Json[] } };
  const headerForward = {
    ...spec.headerForward,
    addHeadersFromSecret: [{ headerName: 'X-Missing', valueSecretRef: { name: 'no-such-secret', key: 'token' } }],
  };
  return { ...entry, spec: { ...spec, headerForward } };
}

async function fixtureNamespace(cluster: Cluster, namespace: string, labels: Record<string, string>): Promise<void> {
  const core = cluster.admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace, labels } } });
  await waitFor(`the default ServiceAccount in ${namespace}`, async () =>
    Boolean(await core.readNamespacedServiceAccount({ namespace, name: 'default' })),
  );
  // The vMCP pod runs as the ServiceAccount the operator creates for it.
  await core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name: (vmcpPod().spec as { serviceAccountName: string }).serviceAccountName } },
  });
  for (const secret of secrets())
    await core.createNamespacedSecret({ namespace, body: inNamespace(forCreate(secret), namespace) as V1Secret });
}

/** Ours stays off the baseline's and the peer's namespaces (the shipped configuration selects every namespace). */
async function keepOursToItsNamespace(cluster: Cluster, name: string): Promise<void> {
  const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  const current = await admission.readValidatingWebhookConfiguration({ name });
  const others = { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [NAMESPACES.none, NAMESPACES.kyverno] };
  const webhooks = (current.webhooks ?? []).map((w) =>
    w.name === VALIDATING_WEBHOOK_NAME ? { ...w, namespaceSelector: { matchExpressions: [others] } } : w,
  );
  await admission.replaceValidatingWebhookConfiguration({ name, body: { ...current, webhooks } as V1ValidatingWebhookConfiguration });
}

async function setUpOurs(cp: ControlPlane, log: (line: string) => void): Promise<WebhookProcess> {
  const cluster = connect(cp.info);
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  await fixtureNamespace(cluster, NAMESPACES.ours, {});
  await fixtureNamespace(cluster, NAMESPACES.none, { [INJECT_NAMESPACE_LABEL]: INJECT_DISABLED });
  await fixtureNamespace(cluster, NAMESPACES.kyverno, { [INJECT_NAMESPACE_LABEL]: INJECT_DISABLED });
  await custom.createNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NAMESPACE,
    plural: VMCP_PLURAL,
    body: forCreate(virtualMcpServer()),
  });
  await applyWebhookRbac(cluster.admin);
  const webhook = await startWebhookProcess(cluster, { args: ['--api-server-host', '127.0.0.1'] });
  const registration = await registerValidatingWebhook(cluster.admin, webhook, { probeNamespace: NAMESPACE });
  await keepOursToItsNamespace(cluster, registration.name);
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
  log('API server: our webhooks registered');
  return webhook;
}

/** Dry-run create of an entry with a missing Secret: undefined when admitted, else the webhook that denied it. */
async function deniedBy(cluster: Cluster, namespace: string): Promise<string | undefined> {
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  try {
    await custom.createNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace,
      plural: ENTRY_PLURAL,
      body: entryWithMissingSecret(namespace),
      dryRun: 'All',
    });
    return undefined;
  } catch (error) {
    const text = String((error as { body?: unknown }).body ?? (error as Error).message);
    return /admission webhook \\?"([^"\\]+)\\?" denied/.exec(text)?.[1] ?? `(not a webhook denial: ${text.slice(0, 200)})`;
  }
}

async function injectedContainers(cluster: Cluster, namespace: string): Promise<number> {
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const pod = await core.createNamespacedPod({ namespace, body: inNamespace(forCreate(vmcpPod()), namespace) as V1Pod, dryRun: 'All' });
  return (pod.spec?.initContainers?.length ?? 0) + (pod.spec?.containers.length ?? 0);
}

/** Each namespace is reviewed by exactly whom its bursts claim: checked before anything is timed. */
async function checkSeparation(cluster: Cluster, peer: boolean, log: (line: string) => void): Promise<void> {
  await waitFor(
    'our webhook to deny a missing Secret in its namespace',
    async () => (await deniedBy(cluster, NAMESPACES.ours)) === VALIDATING_WEBHOOK_NAME,
  );
  await waitFor(
    'the baseline namespace to admit a missing Secret (no webhook selects it)',
    async () => (await deniedBy(cluster, NAMESPACES.none)) === undefined,
  );
  if (peer)
    await waitFor(
      'Kyverno to deny a missing Secret in its namespace',
      async () => (await deniedBy(cluster, NAMESPACES.kyverno))?.includes('kyverno') ?? false,
      60_000,
    );
  await waitFor('our webhook to inject a dry-run vMCP pod', async () => (await injectedContainers(cluster, NAMESPACES.ours)) > 1);
  await waitFor(
    'the baseline namespace to leave a dry-run vMCP pod alone',
    async () => (await injectedContainers(cluster, NAMESPACES.none)) === 1,
  );
  log(`API server: each namespace reviewed by its own admission only (${peer ? 'baseline, ours, Kyverno' : 'baseline, ours'})`);
}

async function scrapeMetrics(cp: ControlPlane): Promise<string> {
  const { stdout } = await run(cp.info.kubectlPath, ['--kubeconfig', cp.info.kubeconfigPath, 'get', '--raw', '/metrics'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

interface BurstPlan {
  admission: Admission;
  resource: BurstResource;
  concurrency: number;
}

/** The process groups on the create path whose CPU each burst reads: the API server, ours, the peer. */
async function cpuGroups(cp: ControlPlane, webhook: WebhookProcess, peer: KyvernoProcess | undefined): Promise<Record<string, number>> {
  const groups: Record<string, number> = {};
  const apiserver = await findProcess([
    `--secure-port=${cp.info.ports.apiserver}`,
    `--etcd-servers=http://127.0.0.1:${cp.info.ports.etcdClient}`,
  ]);
  if (apiserver !== undefined) groups['kube-apiserver'] = apiserver;
  const ours = await findProcess(['webhook', '--listen', new URL(webhook.url).host]);
  if (ours !== undefined) groups['mcp-header-forward'] = ours;
  if (peer) groups.Kyverno = peer.pid;
  return groups;
}

async function runBurst(
  cp: ControlPlane,
  plan: BurstPlan,
  round: number,
  objects: number,
  groups: Readonly<Record<string, number>>,
): Promise<CreateBurst> {
  const cluster = connect(cp.info);
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  const namespace = NAMESPACES[plan.admission as keyof typeof NAMESPACES];
  const count = plan.concurrency === 1 ? Math.max(20, Math.round(objects * SEQUENTIAL_SHARE)) : objects;
  const names = Array.from({ length: count }, (_, i) => `load-r${round}-c${plan.concurrency}-${String(i).padStart(4, '0')}`);
  const before = await scrapeMetrics(cp);
  const cpuBefore = await cpuMs(groups);
  const timings =
    plan.resource === 'mcpserverentries'
      ? await timeCreates(names, plan.concurrency, (name) =>
          custom.createNamespacedCustomObject({
            group: TOOLHIVE_GROUP,
            version: 'v1beta1',
            namespace,
            plural: ENTRY_PLURAL,
            body: loadEntry(name, namespace),
          }),
        )
      : await timeCreates(names, plan.concurrency, () =>
          core.createNamespacedPod({ namespace, body: inNamespace(forCreate(vmcpPod()), namespace) as V1Pod }),
        );
  const cpuMsPerCreate = cpuPerCreate(cpuBefore, await cpuMs(groups), timings.okMs.length + timings.errors.length);
  const webhooks = webhookLatenciesBetween(before, await scrapeMetrics(cp));
  return { admission: plan.admission, resource: plan.resource, round, webhooks, cpuMsPerCreate, ...summarizeBurst(timings) };
}

function describeBurst(b: CreateBurst): string {
  const calls = b.webhooks.map((w) => `${w.name} ${w.count}× p99 ${w.p99ms.toFixed(1)} ms`).join(', ') || 'no webhook calls';
  const cpu = Object.entries(b.cpuMsPerCreate ?? {})
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
  return (
    `API server: round ${b.round} ${b.resource} via ${b.admission} at c=${b.concurrency}: ${b.creates} creates, p50 ${b.p50ms.toFixed(1)} ms, ` +
    `p99 ${b.p99ms.toFixed(1)} ms, ${Math.round(b.ratePerSecond)}/s, ${b.errors} errors; ${calls}; CPU ms per create: ${cpu}`
  );
}

async function startPeer(cp: ControlPlane, log: (line: string) => void, skips: Skip[]): Promise<KyvernoProcess | undefined> {
  const binary = await findKyvernoBinary();
  if (!binary) {
    skips.push({
      part: 'API server peer (Kyverno)',
      reason: 'Kyverno is not built yet; run `node dist/bench/apiserver/buildKyverno.js` once (about 15 minutes)',
    });
    return undefined;
  }
  try {
    return await startKyverno({
      binary,
      cluster: connect(cp.info),
      workDir: cp.info.workDir,
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: NAMESPACES.kyverno } },
      log,
    });
  } catch (error) {
    // The baseline and ours still run: a peer that cannot start is a skip line, not a lost part.
    const reason = (error as Error).message;
    skips.push({ part: 'API server peer (Kyverno)', reason: reason.split('\n')[0] ?? 'failed to start' });
    log(`Kyverno did not start: ${reason}`);
    return undefined;
  }
}

function createdThroughOurs(bursts: readonly CreateBurst[], resource: BurstResource): number {
  return bursts.filter((b) => b.admission === 'ours' && b.resource === resource).reduce((sum, b) => sum + b.creates, 0);
}

export interface ApiServerPhase {
  measurement: ApiServerMeasurement;
  skips: Skip[];
}

export async function runApiServerPhase(
  log: (line: string) => void,
  options: { objects?: number; rounds?: number } = {},
): Promise<ApiServerPhase> {
  const objects = options.objects ?? API_SERVER_OBJECTS;
  const rounds = options.rounds ?? BURST_ROUNDS;
  const skips: Skip[] = [];
  const cp = await startControlPlane({ log: (line) => log(`control plane: ${line}`) });
  let webhook: WebhookProcess | undefined;
  let peer: KyvernoProcess | undefined;
  try {
    webhook = await setUpOurs(cp, log);
    peer = await startPeer(cp, log, skips);
    await checkSeparation(connect(cp.info), peer !== undefined, log);
    const plans: BurstPlan[] = CREATE_CONCURRENCIES.flatMap((concurrency) => [
      { admission: 'none' as const, resource: 'mcpserverentries' as const, concurrency },
      { admission: 'ours' as const, resource: 'mcpserverentries' as const, concurrency },
      ...(peer ? [{ admission: 'kyverno' as const, resource: 'mcpserverentries' as const, concurrency }] : []),
      { admission: 'none' as const, resource: 'pods' as const, concurrency },
      { admission: 'ours' as const, resource: 'pods' as const, concurrency },
    ]);
    const groups = await cpuGroups(cp, webhook, peer);
    const bursts: CreateBurst[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const plan of burstOrder(plans, round - 1)) {
        const burst = await runBurst(cp, plan, round, objects, groups);
        log(describeBurst(burst));
        bursts.push(burst);
      }
    }
    const ours = webhookLatencies(admissionHistograms(await scrapeMetrics(cp)), (name) => name.includes('mcp-header-forward'));
    return {
      measurement: {
        entries: createdThroughOurs(bursts, 'mcpserverentries'),
        pods: createdThroughOurs(bursts, 'pods'),
        byWebhook: ours,
        bursts,
        ...(peer ? { peer: { admission: 'kyverno' as const, version: peer.version, setup: peer.setup } } : {}),
      },
      skips,
    };
  } finally {
    await peer?.stop();
    await webhook?.stop();
    await cp.stop();
  }
}
