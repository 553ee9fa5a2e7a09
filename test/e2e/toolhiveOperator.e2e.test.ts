import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1EnvVar,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
} from '@kubernetes/client-node';
import { fetch } from 'undici';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { manifestEnvVarName, ROUTES_ENV_VAR, secretEnvVarName } from '../../contract/envNames.js';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME, VMCP_INSTANCE_LABEL } from '../../contract/labels.js';
import { routeConfigSchema } from '../../contract/routes.js';
import { sealedPlaceholder } from '../../contract/sealing.js';
import { mutatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { classify, parseYamlObjects } from '../../webhook/mutate/objects.js';
import { planPod } from '../../webhook/mutate/plan.js';
import { patchFor } from '../../webhook/mutate/patch.js';
import { DEFAULT_SETTINGS, type InjectSettings } from '../../webhook/mutate/settings.js';
import { connect, type Cluster } from './harness/cluster.js';
import { startToolhiveOperator, type ToolhiveOperator } from './harness/toolhiveOperator.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac } from './harness/webhookRegistration.js';

// ToolHive's real operator (pinned version) makes the vMCP pod; our webhook sees it as a cluster would. The pod
// it makes is the golden input of webhook/mutate/golden.test.ts (toolhive-operator/pod.yaml): this test fails
// when the operator's output and that fixture differ (UPDATE_GOLDEN=1 rewrites it; review the diff).

const FIXTURE = new URL('../../webhook/mutate/testdata/toolhive-operator/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NS = 'tools';
const VMCP = 'gateway';
const IMAGE = 'ghcr.io/example/mcp-header-forward:e2e';
const API_HOSTS = ['10.96.0.1', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const CONFIG_NAME = 'mcp-header-forward-toolhive-operator-e2e';
const FIXED_OWNER_UID = '6b1e2f1c-0000-4000-8000-000000000001';

let cluster: Cluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let operator: ToolhiveOperator;
let rbac: { remove(): Promise<void> } | undefined;
let webhook: WebhookProcess | undefined;
const objectsYaml = readFileSync(new URL('objects.yaml', FIXTURE), 'utf8');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const value = await probe().catch((error: unknown) => {
      last = error;
      return undefined;
    });
    if (value !== undefined) return value;
    await sleep(250);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}; operator log: ${operator?.process.logFile}`,
  );
}

async function vmcpPods(): Promise<V1Pod[]> {
  const list = await core.listNamespacedPod({ namespace: NS, labelSelector: `${VMCP_INSTANCE_LABEL}=${VMCP}` });
  return list.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

/** The stored pod as the webhook received it, without what differs between runs (uids, times, random suffixes). */
function asFixture(pod: V1Pod): V1Pod {
  const json = JSON.parse(JSON.stringify(pod)) as V1Pod;
  const { generateName, labels, annotations, ownerReferences } = json.metadata!;
  const text = JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      labels,
      ...(annotations ? { annotations } : {}),
      ownerReferences: ownerReferences?.map((o) => ({ ...o, uid: FIXED_OWNER_UID })),
    },
    spec: json.spec,
  });
  // The ServiceAccount admission plugin names the token volume kube-api-access-<5 random chars>.
  return JSON.parse(text.replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-fixed')) as V1Pod;
}

const envOf = (pod: V1Pod, container: string): V1EnvVar[] =>
  [...(pod.spec?.initContainers ?? []), ...pod.spec!.containers].find((c) => c.name === container)?.env ?? [];

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  apps = cluster.admin.makeApiClient(AppsV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedSecret({
    namespace: NS,
    body: { metadata: { name: 'github-token' }, stringData: { header: 'Bearer e2e-operator-sentinel' } },
  });
  operator = await startToolhiveOperator(cluster, { log: (line) => console.log(`[toolhive e2e] ${line}`) });
  // The VirtualMCPServer goes last, once the operator's cache holds the entries: created first, its first Deployment
  // has no header-forward env, and a second one follows when the entries appear (two ReplicaSets, two pods here,
  // where no kubelet makes the new one Ready). The operator's MCPGroup status lists what that cache holds.
  const api = KubernetesObjectApi.makeApiClient(cluster.admin);
  const objects = parseAllDocuments(objectsYaml).map((doc) => doc.toJS() as KubernetesObject);
  const isGateway = (o: KubernetesObject): boolean => o.kind === 'VirtualMCPServer';
  for (const object of objects.filter((o) => !isGateway(o))) await api.create(object);
  const entries = objects.filter((o) => o.kind === 'MCPServerEntry').map((o) => o.metadata!.name!);
  await waitFor(`the operator to list entries ${entries.join(', ')} in their MCPGroup's status`, async () => {
    const group = objects.find((o) => o.kind === 'MCPGroup')!;
    const read = (await api.read({
      apiVersion: group.apiVersion,
      kind: group.kind,
      metadata: { name: group.metadata!.name!, namespace: NS },
    })) as {
      status?: { entries?: string[] };
    };
    const listed = [...(read.status?.entries ?? [])].sort();
    return JSON.stringify(listed) === JSON.stringify([...entries].sort()) ? listed : undefined;
  });
  for (const object of objects.filter(isGateway)) await api.create(object);
}, 900_000);

afterAll(async () => {
  await cluster?.admin
    .makeApiClient(AdmissionregistrationV1Api)
    .deleteMutatingWebhookConfiguration({ name: CONFIG_NAME })
    .catch(() => undefined);
  await webhook?.stop();
  await rbac?.remove();
  await operator?.stop();
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
});

describe("ToolHive's operator makes the vMCP pod", () => {
  let pod: V1Pod;

  beforeAll(async () => {
    pod = await waitFor('the operator to create the vMCP Deployment and its pod', async () => (await vmcpPods())[0]);
  });

  it('is the golden input of the injector tests (toolhive-operator/pod.yaml)', () => {
    const actual = `# Made by ToolHive's operator ${operator.version} from objects.yaml (test/e2e/toolhiveOperator.e2e.test.ts).\n${stringify(asFixture(pod))}`;
    const file = new URL('pod.yaml', FIXTURE);
    if (UPDATE) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });

  it('carries the header-forward env of ToolHive >= v0.27.2 on the vmcp container: a manifest per entry and a secretKeyRef', () => {
    const env = envOf(pod, VMCP_CONTAINER_NAME);
    const manifest = env.find((e) => e.name === manifestEnvVarName('github'));
    expect(JSON.parse(manifest!.value!)).toEqual({
      addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos,issues' },
      addHeadersFromSecret: { Authorization: 'HEADER_FORWARD_AUTHORIZATION_GITHUB' },
    });
    expect(env.find((e) => e.name === manifestEnvVarName('tenant-api'))).toBeDefined();
    expect(env.find((e) => e.name === manifestEnvVarName('docs'))).toBeUndefined();
    expect(env.find((e) => e.name === secretEnvVarName('github', 'Authorization'))?.valueFrom?.secretKeyRef).toMatchObject({
      name: 'github-token',
      key: 'header',
    });
  });
});

describe('with our webhook in front (--toolhive-forwarding seal, the default)', () => {
  const settings: InjectSettings = { ...DEFAULT_SETTINGS, image: IMAGE, apiServerHosts: API_HOSTS };
  let sealed: V1Pod;

  beforeAll(async () => {
    rbac = await applyWebhookRbac(cluster.admin);
    webhook = await startWebhookProcess(cluster, { args: ['--sidecar-image', IMAGE, '--api-server-host', API_HOSTS.join(',')] });
    const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const body = mutatingWebhookConfiguration({
      name: CONFIG_NAME,
      endpoint: { url: webhook.url },
      caBundle: webhook.caBundle,
    }) as V1MutatingWebhookConfiguration;
    await admission.createMutatingWebhookConfiguration({ body });
    await sleep(2_000); // the API server's webhook cache lags the create
    const before = (await vmcpPods()).map((p) => p.metadata!.name!);
    for (const name of before) await core.deleteNamespacedPod({ namespace: NS, name, gracePeriodSeconds: 0 });
    sealed = await waitFor('the ReplicaSet to recreate the pod through the webhook', async () => {
      const pod = (await vmcpPods()).find((p) => !before.includes(p.metadata!.name!));
      return pod && [...(pod.spec?.initContainers ?? [])].some((c) => c.name === SIDECAR_CONTAINER_NAME) ? pod : undefined;
    });
  }, 120_000);

  it('leaves a placeholder on the vmcp container and gives the secretKeyRef to the sidecar only', () => {
    const envVar = secretEnvVarName('github', 'Authorization');
    expect(envOf(sealed, VMCP_CONTAINER_NAME).find((e) => e.name === envVar)).toEqual({ name: envVar, value: sealedPlaceholder(envVar) });
    expect(envOf(sealed, SIDECAR_CONTAINER_NAME).find((e) => e.name === envVar)?.valueFrom?.secretKeyRef).toMatchObject({
      name: 'github-token',
      key: 'header',
    });
    const routes = routeConfigSchema.parse(
      JSON.parse(envOf(sealed, SIDECAR_CONTAINER_NAME).find((e) => e.name === ROUTES_ENV_VAR)!.value!),
    );
    // github: vMCP sends both headers; the sidecar only swaps the sealed one. tenant-api: vMCP alone, no route.
    expect(routes.routes).toEqual([
      expect.objectContaining({ entry: `${NS}/github`, plaintextHeaders: {}, secretHeaders: {}, sealedHeaders: { Authorization: envVar } }),
    ]);
  });

  it('is what the planner makes of the golden pod: re-planning the stored pod changes nothing', () => {
    const stored = JSON.parse(JSON.stringify(sealed)) as V1Pod;
    const { vmcps, entries } = classify(parseYamlObjects(objectsYaml, 'objects.yaml'), NS, 'objects.yaml');
    const plan = planPod(stored, { vmcp: vmcps[0]!, entries, settings });
    expect(patchFor(stored, plan.pod)).toEqual([]);
  });

  it("does not fight the operator's reconcile: the Deployment keeps its generation while pods are mutated", async () => {
    const generation = async (): Promise<number | undefined> =>
      (await apps.readNamespacedDeployment({ namespace: NS, name: VMCP })).metadata?.generation;
    const first = await generation();
    await sleep(5_000);
    expect(await generation()).toBe(first);
    expect((await vmcpPods()).length).toBe(1);
  });

  it('with --toolhive-forwarding defer, injects nothing where vMCP forwards every entry itself', async () => {
    await webhook!.restart([...webhook!.args(), '--toolhive-forwarding', 'defer']);
    const before = (await vmcpPods()).map((p) => p.metadata!.name!);
    for (const name of before) await core.deleteNamespacedPod({ namespace: NS, name, gracePeriodSeconds: 0 });
    const deferred = await waitFor('the ReplicaSet to recreate the pod', async () =>
      (await vmcpPods()).find((p) => !before.includes(p.metadata!.name!)),
    );
    expect((deferred.spec?.initContainers ?? []).map((c) => c.name)).not.toContain(SIDECAR_CONTAINER_NAME);
    expect(
      envOf(deferred, VMCP_CONTAINER_NAME).find((e) => e.name === secretEnvVarName('github', 'Authorization'))?.valueFrom?.secretKeyRef,
    ).toBeDefined();
    const metrics = await (await fetch(`${webhook!.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/mcp_header_forward_pod_injections_total\{outcome="skipped",reason="forwarded-by-toolhive"\} [1-9]/);
    expect(await webhook!.readLog()).not.toContain('e2e-operator-sentinel');
  });
});
