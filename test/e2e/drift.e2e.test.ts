import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
  type KubernetesObject,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME } from '../../contract/labels.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';
import { mutatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';
import { PROJECT_ROOT } from './harness/paths.js';
import { runCli } from './harness/runCli.js';
import { startWebhookProcess, WEBHOOK_NAMESPACE, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac } from './harness/webhookRegistration.js';

// Issue 11 through the real API server: pods created while no mutating webhook was registered are `missing`,
// an entry edit makes injected pods `stale`, remediation evicts exactly those pods through the Eviction API (a
// PodDisruptionBudget allowing one disruption; the ReplicaSet controller recreates them, the test marks them
// Ready as no kubelet runs), and of two webhook processes only the Lease holder acts. --drift-selector keeps the
// check to this file's pods: other files' vMCP pods on the shared control plane are not ours to evict.

const suffix = randomBytes(3).toString('hex');
const NS = `drift-${suffix}`;
const LEASE_NS = `drift-lease-${suffix}`;
const LEASE = 'mcp-header-forward-drift';
const IMAGE = 'ghcr.io/example/mcp-header-forward:e2e';
const API_HOSTS = '10.96.0.1,kubernetes.default.svc';
const CONFIG_NAME = `mcp-header-forward-drift-e2e-${suffix}`;
const LABELS = { 'app.kubernetes.io/name': 'virtualmcpserver', 'app.kubernetes.io/instance': 'gateway', drift: suffix };

let cluster: Cluster;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let admission: AdmissionregistrationV1Api;
let webhooks: WebhookProcess[] = [];
let rbac: { remove(): Promise<void> } | undefined;
let markReady: { stop: boolean; done?: Promise<void> } = { stop: false };

const baseArgs = [
  '--sidecar-image',
  IMAGE,
  '--api-server-host',
  API_HOSTS,
  '--drift-interval',
  '1000',
  '--leader-election-namespace',
  LEASE_NS,
  '--drift-selector',
  `drift=${suffix}`,
];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(300);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function metrics(webhook: WebhookProcess): Promise<string> {
  const response = await fetch(`${webhook.metricsUrl}/metrics`);
  return response.text();
}

const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const hasSidecar = (pod: V1Pod): boolean =>
  [...(pod.spec?.initContainers ?? []), ...pod.spec!.containers].some((c) => c.name === SIDECAR_CONTAINER_NAME);

async function livePods(): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `drift=${suffix}` });
  return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

/** No kubelet: a pod becomes Ready only when someone writes its status. */
async function markAllReady(): Promise<void> {
  for (const pod of await livePods()) {
    if (isReady(pod)) continue;
    const now = new Date();
    // As a kubelet would report it: the sidecar running since now (--follow-secrets compares with this start).
    const sidecar = (pod.spec?.initContainers ?? []).find((c) => c.name === SIDECAR_CONTAINER_NAME);
    const initContainerStatuses =
      sidecar === undefined
        ? []
        : [
            {
              name: sidecar.name,
              image: sidecar.image ?? '',
              imageID: '',
              ready: true,
              restartCount: 0,
              started: true,
              state: { running: { startedAt: now } },
            },
          ];
    pod.status = {
      ...pod.status,
      phase: 'Running',
      initContainerStatuses,
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
      ],
    };
    await core.replaceNamespacedPodStatus({ namespace: NS, name: pod.metadata!.name!, body: pod }).catch(() => undefined);
  }
}

async function eventsFor(reason: string): Promise<Set<string>> {
  const list = await core.listNamespacedEvent({ namespace: NS, fieldSelector: `reason=${reason}` });
  return new Set(list.items.map((e) => e.involvedObject.name!));
}

async function leaseRole(): Promise<void> {
  // The shipped Role, in this test's own Lease namespace (the shared control plane has no mcp-header-forward one).
  const api = KubernetesObjectApi.makeApiClient(cluster.admin);
  const docs = parseAllDocuments(await readFile(join(PROJECT_ROOT, 'manifests', 'base', 'leader-election-rbac.yaml'), 'utf8'));
  for (const doc of docs) {
    const object = doc.toJS() as KubernetesObject;
    await api.create({ ...object, metadata: { ...object.metadata, namespace: LEASE_NS } });
  }
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  custom = cluster.admin.makeApiClient(CustomObjectsApi);
  admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  for (const name of [NS, LEASE_NS]) await core.createNamespace({ body: { metadata: { name } } });
  await leaseRole();
  expect(WEBHOOK_NAMESPACE).toBe('mcp-header-forward'); // the shipped RoleBinding's subject
  await custom.createNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NS,
    plural: VMCP_PLURAL,
    body: {
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'VirtualMCPServer',
      metadata: { name: 'gateway' },
      spec: { groupRef: { name: 'engineering' }, incomingAuth: { type: 'anonymous' } },
    },
  });
  await custom.createNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NS,
    plural: ENTRY_PLURAL,
    body: {
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'MCPServerEntry',
      metadata: { name: 'tools' },
      spec: {
        remoteUrl: 'https://mcp.example.com/mcp',
        transport: 'streamable-http',
        groupRef: { name: 'engineering' },
        headerForward: { addPlaintextHeaders: { 'X-Team': 'one' } },
      },
    },
  });
  // Broken on purpose: each webhook's background scan finds it, only the Lease holder may say so in an Event.
  await custom.createNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NS,
    plural: ENTRY_PLURAL,
    body: {
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'MCPServerEntry',
      metadata: { name: 'broken' },
      spec: {
        remoteUrl: 'https://mcp.example.com/other',
        transport: 'streamable-http',
        groupRef: { name: 'unused' },
        headerForward: { addHeadersFromSecret: [{ headerName: 'X-Key', valueSecretRef: { name: 'never-created', key: 'k' } }] },
      },
    },
  });
  rbac = await applyWebhookRbac(cluster.admin);
  await waitFor(
    'the default ServiceAccount',
    async () => (await core.readNamespacedServiceAccount({ namespace: NS, name: 'default' })) ?? undefined,
  );
  // Created with no mutating webhook registered for us: the pods start without the sidecar.
  await cluster.admin.makeApiClient(AppsV1Api).createNamespacedReplicaSet({
    namespace: NS,
    body: {
      metadata: { name: 'gateway' },
      spec: {
        replicas: 2,
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: { containers: [{ name: VMCP_CONTAINER_NAME, image: 'ghcr.io/stacklok/toolhive/vmcp:v0.44.0' }] },
        },
      },
    },
  });
  await cluster.admin.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
    namespace: NS,
    body: { metadata: { name: 'gateway' }, spec: { minAvailable: 1, selector: { matchLabels: LABELS } } },
  });
  await waitFor('two pods', async () => ((await livePods()).length === 2 ? true : undefined));
  markReady = { stop: false };
  markReady.done = (async () => {
    while (!markReady.stop) {
      await markAllReady().catch(() => undefined);
      await sleep(300);
    }
  })();
  webhooks = await Promise.all([startWebhookProcess(cluster, { args: baseArgs }), startWebhookProcess(cluster, { args: baseArgs })]);
}, 120_000);

afterAll(async () => {
  markReady.stop = true;
  await markReady.done;
  await admission?.deleteMutatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => undefined);
  await Promise.all(webhooks.map((w) => w.stop()));
  await rbac?.remove();
  for (const name of [NS, LEASE_NS]) await core?.deleteNamespace({ name }).catch(() => undefined);
});

async function leaderIndex(): Promise<number> {
  const lease = await cluster.admin.makeApiClient(CoordinationV1Api).readNamespacedLease({ namespace: LEASE_NS, name: LEASE });
  const holder = lease.spec?.holderIdentity ?? '';
  const flags = await Promise.all(webhooks.map(async (w) => /\nmcp_header_forward_leader 1\b/.test(await metrics(w))));
  expect(holder).not.toBe('');
  expect(flags.filter(Boolean)).toHaveLength(1);
  return flags.indexOf(true);
}

describe('drift check', () => {
  let original: string[];

  it('reports pods created without the webhook as missing, from exactly one of two webhook processes', async () => {
    original = (await livePods()).map((p) => p.metadata!.name!).sort();
    await expect.poll(async () => [...(await eventsFor('SidecarMissing'))].sort(), { timeout: 30_000, interval: 500 }).toEqual(original);
    const leader = await leaderIndex();
    const follower = webhooks[1 - leader]!;
    expect(await webhooks[leader]!.readLog()).toContain('leading: drift check and background-scan Events run in this replica');
    expect(await follower.readLog()).not.toContain('leading: drift check and background-scan Events run');
    expect(await metrics(follower)).not.toMatch(/mcp_header_forward_pods\{finding="missing"\} [1-9]/);
    expect(await metrics(webhooks[leader]!)).toMatch(/mcp_header_forward_pods\{finding="missing"\} [2-9]/);
  }, 60_000);

  it('both replicas scan the broken entry, only the Lease holder sends its Event', async () => {
    const eventsOnBroken = async () =>
      (await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=HeaderSecretNotFound' })).items.filter(
        (e) => e.involvedObject.name === 'broken',
      );
    await expect.poll(async () => (await eventsOnBroken()).length, { timeout: 30_000, interval: 500 }).toBe(1);
    for (const webhook of webhooks) {
      await expect
        .poll(async () => metrics(webhook), { timeout: 30_000, interval: 500 })
        .toMatch(new RegExp(`mcp_header_forward_entries_invalid\\{resource_namespace="${NS}",reason="HeaderSecretNotFound"\\} 1`));
    }
    await sleep(2_000);
    expect(await eventsOnBroken()).toHaveLength(1);
    await custom.deleteNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: ENTRY_PLURAL,
      name: 'broken',
    });
  }, 60_000);

  it('report --pods lists the same pods as failing with the finding, its field and the fix (exit 1)', async () => {
    // The webhook's own injector flags, so report plans exactly as /mutate would.
    const result = await runCli(cluster.info.kubeconfigPath, 'report', [
      '-n',
      NS,
      '--pods',
      '-o',
      'json',
      '--sidecar-image',
      IMAGE,
      '--api-server-host',
      API_HOSTS,
    ]);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as {
      items: { kind: string; name: string; status: string; findings: { reason: string; field: string; message: string }[] }[];
    };
    const pods = report.items.filter((i) => i.kind === 'Pod');
    expect(pods.map((p) => p.name).sort()).toEqual(original);
    for (const pod of pods) {
      expect(pod.status).toBe('fail');
      expect(pod.findings).toEqual([expect.objectContaining({ reason: 'SidecarMissing', field: 'spec.initContainers' })]);
    }
    expect(report.items.find((i) => i.kind === 'MCPServerEntry')?.status).toBe('pass');
    const text = await runCli(cluster.info.kubeconfigPath, 'report', [
      '-n',
      NS,
      '--pods',
      '--sidecar-image',
      IMAGE,
      '--api-server-host',
      API_HOSTS,
    ]);
    expect(text.stdout).toContain(`Pod ${NS}/${original[0]}: FAIL (1 problem)`);
    expect(text.stdout).toContain('fix: recreate the pod');
    expect(await runCli(cluster.info.kubeconfigPath, 'report', ['-n', NS, '--follow-secrets'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('add --pods'),
    });
  }, 60_000);

  it('remediation evicts exactly those pods, one at a time, and their replacements get the sidecar', async () => {
    const leader = await leaderIndex();
    const body = mutatingWebhookConfiguration({
      name: CONFIG_NAME,
      endpoint: { url: webhooks[leader]!.url },
      caBundle: webhooks[leader]!.caBundle,
    }) as V1MutatingWebhookConfiguration;
    await admission.createMutatingWebhookConfiguration({ body });
    await sleep(2_000); // the API server's webhook cache lags the create
    await Promise.all(webhooks.map((w) => w.restart([...baseArgs, '--remediate', 'evict', '--remediate-rate', '600'])));
    const replaced = await waitFor(
      'both pods replaced by injected, Ready ones',
      async () => {
        const pods = await livePods();
        const fresh = pods.filter((p) => !original.includes(p.metadata!.name!));
        return fresh.length === 2 && fresh.every((p) => hasSidecar(p) && isReady(p)) && pods.length === 2 ? fresh : undefined;
      },
      120_000,
    );
    expect(replaced).toHaveLength(2);
    // One at a time: the second eviction came after the first replacement was Ready.
    const evictedAt = (await webhooks.map((w) => w.readLog()).reduce(async (a, b) => (await a) + (await b)))
      .split('\n')
      .filter((line) => line.includes('remediation: evicted pod'))
      .map((line) => Date.parse((JSON.parse(line) as { time: string }).time))
      .sort((a, b) => a - b);
    expect(evictedAt).toHaveLength(2);
    // The API keeps whole seconds (creationTimestamp, lastTransitionTime), so both replacements may share a
    // creation second: the first replacement is the one Ready first, and times compare at second resolution.
    const readyAt = Math.min(
      ...replaced.map((pod) => pod.status!.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime!.valueOf()),
    );
    expect(readyAt % 1000).toBe(0);
    expect(readyAt).toBeLessThanOrEqual(Math.floor(evictedAt[1]! / 1000) * 1000);
    const holder = await leaderIndex();
    const text = await metrics(webhooks[holder]!);
    expect(text).toMatch(/mcp_header_forward_pod_evictions_total\{outcome="evicted"\} 2\b/);
    const other = await metrics(webhooks[1 - holder]!);
    expect(other).not.toMatch(/mcp_header_forward_pod_evictions_total\{outcome="evicted"\}/);
    // The replacements are what the injector plans now: report --pods passes them (exit 0), with the injector
    // flags given or read from a webhook Deployment (replicas 0: only its args matter); with neither they differ.
    const report = await runCli(cluster.info.kubeconfigPath, 'report', [
      '-n',
      NS,
      '--pods',
      '--sidecar-image',
      IMAGE,
      '--api-server-host',
      API_HOSTS,
    ]);
    expect(report.stdout).toContain('3 checked: 3 pass');
    expect(report.code, report.stdout + report.stderr).toBe(0);
    expect(report.stderr).toContain(
      'report --pods: cannot read Deployment mcp-header-forward/mcp-header-forward (the API server answered HTTP 404: deployments.apps "mcp-header-forward" not found)',
    );
    await cluster.admin.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace: LEASE_NS,
      body: {
        metadata: { name: 'webhook' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'webhook' } },
          template: {
            metadata: { labels: { app: 'webhook' } },
            spec: {
              containers: [
                {
                  name: 'webhook',
                  image: IMAGE,
                  args: ['webhook', '--mode=enforce', `--sidecar-image=${IMAGE}`, `--api-server-host=${API_HOSTS}`],
                },
              ],
            },
          },
        },
      },
    });
    const fromDeployment = await runCli(cluster.info.kubeconfigPath, 'report', ['-n', NS, '--pods', '--webhook', `${LEASE_NS}/webhook`]);
    expect(fromDeployment.code, fromDeployment.stdout + fromDeployment.stderr).toBe(0);
    expect(fromDeployment.stderr).toContain(
      `injector flags from Deployment ${LEASE_NS}/webhook (container webhook): --sidecar-image, --api-server-host`,
    );
    const ownDefaults = await runCli(cluster.info.kubeconfigPath, 'report', ['-n', NS, '--pods', '--webhook', '']);
    expect(ownDefaults.code).toBe(1);
    expect(ownDefaults.stdout).toContain('[SidecarStale]');
  }, 180_000);

  it('an entry edit makes the injected pods stale', async () => {
    const current = (await livePods()).map((p) => p.metadata!.name!).sort();
    const entry = (await custom.getNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: ENTRY_PLURAL,
      name: 'tools',
    })) as { spec: { headerForward: unknown } };
    entry.spec.headerForward = { addPlaintextHeaders: { 'X-Team': 'two' } };
    await custom.replaceNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: ENTRY_PLURAL,
      name: 'tools',
      body: entry,
    });
    await expect
      .poll(async () => [...(await eventsFor('SidecarStale'))].filter((n) => current.includes(n)).sort(), {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual(current);
  }, 60_000);

  it('--follow-secrets: rotating a Secret the sidecars read makes them stale, and remediation replaces them', async () => {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'tools-token' }, stringData: { token: 'first-token' } } });
    const entry = (await custom.getNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: ENTRY_PLURAL,
      name: 'tools',
    })) as { spec: { headerForward: unknown } };
    entry.spec.headerForward = {
      addPlaintextHeaders: { 'X-Team': 'two' },
      addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'tools-token', key: 'token' } }],
    };
    await custom.replaceNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: ENTRY_PLURAL,
      name: 'tools',
      body: entry,
    });
    await Promise.all(webhooks.map((w) => w.restart([...baseArgs, '--remediate', 'evict', '--remediate-rate', '600', '--follow-secrets'])));
    const readsToken = (p: V1Pod): boolean =>
      (p.spec?.initContainers ?? []).some(
        (c) => c.name === SIDECAR_CONTAINER_NAME && (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === 'tools-token'),
      );
    // The entry edit made the pods stale: remediation replaces them with sidecars reading the Secret.
    const withToken = await waitFor(
      'both pods replaced by ones whose sidecar reads tools-token',
      async () => {
        const pods = await livePods();
        return pods.length === 2 && pods.every((p) => readsToken(p) && isReady(p)) ? pods.map((p) => p.metadata!.name!).sort() : undefined;
      },
      120_000,
    );
    const staleBefore = await eventsFor('SidecarStale');
    expect(withToken.filter((n) => staleBefore.has(n))).toEqual([]);
    await sleep(1_100); // a later second than the pods' creation: times compare in whole seconds
    await core.patchNamespacedSecret(
      { namespace: NS, name: 'tools-token', body: { stringData: { token: 'rotated-token' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await expect
      .poll(async () => [...(await eventsFor('SidecarStale'))].filter((n) => withToken.includes(n)).sort(), {
        timeout: 30_000,
        interval: 500,
      })
      .toEqual(withToken);
    const messages = (await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=SidecarStale' })).items
      .filter((e) => withToken.includes(e.involvedObject.name!))
      .map((e) => e.message ?? '');
    for (const message of messages)
      expect(message).toMatch(/old values of Secret "tools-token": data changed \(resourceVersion \d+ -> \d+\)/);
    await waitFor(
      'the rotated pods replaced by fresh ones',
      async () => {
        const pods = await livePods();
        return pods.length === 2 && pods.every((p) => !withToken.includes(p.metadata!.name!) && readsToken(p) && isReady(p))
          ? true
          : undefined;
      },
      120_000,
    );
    const logs = (await Promise.all(webhooks.map((w) => w.readLog()))).join('');
    expect(logs).not.toContain('first-token');
    expect(logs).not.toContain('rotated-token');

    // report --pods --follow-secrets has no memory: it sees each Secret once and cannot tell a data change from
    // another edit by the data's manager, so a write after the sidecar started is a warning, and the pods pass.
    const reportArgs = ['-n', NS, '--pods', '--follow-secrets', '-o', 'json', '--sidecar-image', IMAGE, '--api-server-host', API_HOSTS];
    type Report = { items: { kind: string; status: string; warnings: string[] }[] };
    const podsOf = (stdout: string) => (JSON.parse(stdout) as Report).items.filter((i) => i.kind === 'Pod');
    const fresh = await runCli(cluster.info.kubeconfigPath, 'report', reportArgs);
    expect(fresh.code, fresh.stdout + fresh.stderr).toBe(0);
    expect(podsOf(fresh.stdout).flatMap((p) => p.warnings)).toEqual([]);
    await Promise.all(webhooks.map((w) => w.restart(baseArgs)));
    await sleep(1_100);
    await core.patchNamespacedSecret(
      { namespace: NS, name: 'tools-token', body: { stringData: { token: 'third-token' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const rotated = await runCli(cluster.info.kubeconfigPath, 'report', reportArgs);
    expect(rotated.code, rotated.stderr).toBe(0);
    const pods = podsOf(rotated.stdout);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.status).toBe('pass');
      expect(pod.warnings).toEqual([expect.stringContaining('Secret "tools-token" was last written by the manager of its data at')]);
    }
    expect(rotated.stdout).not.toContain('third-token');
  }, 240_000);
});
