import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type V1Container,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../../contract/envNames.js';
import {
  INJECT_ANNOTATION,
  INJECT_NAMESPACE_LABEL,
  SIDECAR_CONTAINER_NAME,
  STATUS_ANNOTATION,
  VMCP_CONTAINER_NAME,
} from '../../contract/labels.js';
import { routeConfigSchema } from '../../contract/routes.js';
import { GLIBC_TUNABLES_ENV_VAR, NODE_OPTIONS_ENV_VAR, SIDECAR_GLIBC_TUNABLES, SIDECAR_NODE_OPTIONS } from '../../contract/sidecar.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL, mcpServerEntrySchema, virtualMcpServerSchema } from '../../contract/toolhive.js';
import { mutatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { noProxyMatches, splitNoProxy } from '../../contract/noProxy.js';
import { patchFor } from '../../webhook/mutate/patch.js';
import { planPod } from '../../webhook/mutate/plan.js';
import { podRuleViolations } from '../../webhook/mutate/podRules.js';
import { DEFAULT_SETTINGS, type InjectSettings } from '../../webhook/mutate/settings.js';
import { connect, type Cluster } from './harness/cluster.js';
import { parseWarningHeader } from './harness/entries.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac } from './harness/webhookRegistration.js';

// The injector through a real API server: what is stored is what the API server admitted after our patch
// and its own defaulting, so re-planning a stored pod proves reinvocation safety on real objects.

const suffix = randomBytes(3).toString('hex');
const NS = `mutate-${suffix}`;
const NS_DISABLED = `mutate-off-${suffix}`;
const IMAGE = 'ghcr.io/example/mcp-header-forward:e2e';
const API_HOSTS = ['10.96.0.1', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const SETTINGS: InjectSettings = { ...DEFAULT_SETTINGS, image: IMAGE, apiServerHosts: API_HOSTS };
const CONFIG_NAME = `mcp-header-forward-mutate-e2e-${suffix}`;
const LABELS = { 'app.kubernetes.io/name': 'virtualmcpserver', 'app.kubernetes.io/instance': 'gateway' };

let cluster: Cluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;
let admission: AdmissionregistrationV1Api;
let webhook: WebhookProcess;
let rbac: { remove(): Promise<void> };

const vmcpResource = {
  apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
  kind: 'VirtualMCPServer',
  metadata: { name: 'gateway' },
  spec: { groupRef: { name: 'engineering' }, incomingAuth: { type: 'anonymous' } },
};

const entryResources = [
  {
    version: 'v1beta1',
    body: {
      metadata: { name: 'github' },
      spec: {
        remoteUrl: 'https://api.githubcopilot.com/mcp/',
        transport: 'streamable-http',
        groupRef: { name: 'engineering' },
        headerForward: {
          addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos,issues' },
          addHeadersFromSecret: [{ headerName: 'Authorization', valueSecretRef: { name: 'github-token', key: 'header' } }],
        },
      },
    },
  },
  {
    // Written as v1alpha1: the informer watches v1beta1 and the API server converts.
    version: 'v1alpha1',
    body: {
      metadata: { name: 'analytics' },
      spec: {
        remoteUrl: 'https://mcp.analytics.example.com/sse',
        transport: 'sse',
        groupRef: { name: 'engineering' },
        caBundleRef: { configMapRef: { name: 'analytics-ca', key: 'ca.crt' } },
        headerForward: { addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'analytics', key: 'api-key' } }] },
      },
    },
  },
  {
    version: 'v1beta1',
    body: {
      metadata: { name: 'docs' },
      spec: { remoteUrl: 'https://docs.example.com/mcp', transport: 'streamable-http', groupRef: { name: 'engineering' } },
    },
  },
];

function vmcpPod(name: string | undefined, extra: { annotations?: Record<string, string> } = {}): V1Pod {
  return {
    metadata: {
      ...(name ? { name } : { generateName: 'gateway-' }),
      labels: LABELS,
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: {
      automountServiceAccountToken: false,
      containers: [
        {
          name: VMCP_CONTAINER_NAME,
          image: 'ghcr.io/stacklok/toolhive/vmcp:v0.44.0',
          args: ['serve', '--config=/etc/vmcp-config/config.yaml', '--host=0.0.0.0', '--port=4483'],
          env: [
            { name: 'VMCP_NAME', value: 'gateway' },
            { name: 'HTTPS_PROXY', value: 'http://proxy.corp.example:3128' },
          ],
          ports: [{ name: 'http', containerPort: 4483 }],
        },
        { name: 'log-shipper', image: 'fluent/fluent-bit:3.0', env: [{ name: 'HTTP_PROXY', value: 'http://untouched.example:8080' }] },
      ],
    },
  };
}

const sidecarsOf = (pod: V1Pod): V1Container[] =>
  [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].filter((c) => c.name === SIDECAR_CONTAINER_NAME);
const vmcpOf = (pod: V1Pod): V1Container => pod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!;
/** The pod as JSON, as the webhook receives it (client-node hands out Dates for timestamps). */
const asJson = (pod: V1Pod): V1Pod => JSON.parse(JSON.stringify(pod)) as V1Pod;

/** The objects as the webhook's informers hold them (read back as v1beta1), for re-planning stored pods. */
async function clusterObjects() {
  const vmcp = virtualMcpServerSchema.parse(
    await custom.getNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS,
      plural: VMCP_PLURAL,
      name: 'gateway',
    }),
  );
  const list = (await custom.listNamespacedCustomObject({
    group: TOOLHIVE_GROUP,
    version: 'v1beta1',
    namespace: NS,
    plural: ENTRY_PLURAL,
  })) as { items: unknown[] };
  return { vmcp, entries: list.items.map((item) => mcpServerEntrySchema.parse(item)) };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  apps = cluster.admin.makeApiClient(AppsV1Api);
  custom = cluster.admin.makeApiClient(CustomObjectsApi);
  admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespace({ body: { metadata: { name: NS_DISABLED, labels: { [INJECT_NAMESPACE_LABEL]: 'disabled' } } } });
  for (const namespace of [NS, NS_DISABLED]) {
    await custom.createNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace,
      plural: VMCP_PLURAL,
      body: vmcpResource,
    });
    for (const { version, body } of entryResources) {
      await custom.createNamespacedCustomObject({
        group: TOOLHIVE_GROUP,
        version,
        namespace,
        plural: ENTRY_PLURAL,
        body: { apiVersion: `${TOOLHIVE_GROUP}/${version}`, kind: 'MCPServerEntry', ...body },
      });
    }
  }
  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster, { args: ['--sidecar-image', IMAGE, '--api-server-host', API_HOSTS.join(',')] });
  const body = mutatingWebhookConfiguration({
    name: CONFIG_NAME,
    endpoint: { url: webhook.url },
    caBundle: webhook.caBundle,
  }) as V1MutatingWebhookConfiguration;
  await admission.createMutatingWebhookConfiguration({ body });
  // Pods need the namespace's default ServiceAccount; the API server's webhook cache lags the create a little.
  await waitFor(
    'the default ServiceAccount',
    async () => (await core.readNamespacedServiceAccount({ namespace: NS, name: 'default' })) ?? undefined,
  );
  await waitFor('the webhook to inject a dry-run pod', async () => {
    const pod = await core.createNamespacedPod({ namespace: NS, body: vmcpPod(`probe-${randomBytes(3).toString('hex')}`), dryRun: 'All' });
    return sidecarsOf(pod).length === 1 ? pod : undefined;
  });
});

afterAll(async () => {
  await admission?.deleteMutatingWebhookConfiguration({ name: CONFIG_NAME }).catch(() => undefined);
  await webhook?.stop();
  await rbac?.remove();
  for (const name of [NS, NS_DISABLED]) await core?.deleteNamespace({ name }).catch(() => undefined);
});

describe('a vMCP pod created through the API server', () => {
  let stored: V1Pod;

  beforeAll(async () => {
    // Like a ReplicaSet's pod: generateName, and no namespace in the object itself.
    const created = await core.createNamespacedPod({ namespace: NS, body: vmcpPod(undefined) });
    stored = asJson(await core.readNamespacedPod({ namespace: NS, name: created.metadata!.name! }));
  });

  it('has the sidecar first among initContainers, as a native sidecar with a startupProbe on /readyz', () => {
    const sidecar = stored.spec!.initContainers![0]!;
    expect(sidecar.name).toBe(SIDECAR_CONTAINER_NAME);
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.image).toBe(IMAGE);
    expect(sidecar.args).toEqual([
      'sidecar',
      '--proxy-listen',
      '127.0.0.1:15080',
      '--admin-listen',
      '0.0.0.0:15090',
      '--ca-dir',
      '/var/run/mcp-header-forward/ca',
      '--ca-key-dir',
      '/var/run/mcp-header-forward/ca-key',
    ]);
    expect(sidecar.startupProbe?.httpGet).toMatchObject({ path: '/readyz', port: 15090 });
    expect(sidecar.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(sidecarsOf(stored)).toHaveLength(1);
  });

  it('gives the sidecar one secretKeyRef env var per secret header, the route config, its NODE_OPTIONS and GLIBC_TUNABLES, sorted by name', () => {
    const env = sidecarsOf(stored)[0]!.env!;
    expect(env.map((e) => e.name)).toEqual([
      GLIBC_TUNABLES_ENV_VAR,
      ROUTES_ENV_VAR,
      NODE_OPTIONS_ENV_VAR,
      'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB',
      'TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_ANALYTICS',
    ]);
    expect(env[0]!.value).toBe(SIDECAR_GLIBC_TUNABLES);
    expect(env[2]!.value).toBe(SIDECAR_NODE_OPTIONS);
    expect(env[3]!.valueFrom?.secretKeyRef).toMatchObject({ name: 'github-token', key: 'header' });
    expect(env[4]!.valueFrom?.secretKeyRef).toMatchObject({ name: 'analytics', key: 'api-key' });
    const config = routeConfigSchema.parse(JSON.parse(env[1]!.value!));
    expect(config.routes.map((r) => r.entry)).toEqual([`${NS}/analytics`, `${NS}/github`]);
    expect(config.routes[0]!.caBundleFile).toBe('/etc/mcp-header-forward/ca-bundles/analytics-ca/ca.crt');
    expect(config.routes[1]!.plaintextHeaders).toEqual({ 'X-MCP-Toolsets': 'repos,issues' });
    expect(config.upstreamProxy).toEqual({ https: 'http://proxy.corp.example:3128' });
  });

  it('points the vmcp container at the sidecar without giving it any secret', () => {
    const vmcp = vmcpOf(stored);
    const env = Object.fromEntries(vmcp.env!.map((e) => [e.name, e.value]));
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) expect(env[name]).toBe('http://127.0.0.1:15080');
    expect(env.SSL_CERT_DIR).toBe('/etc/ssl/certs:/var/run/mcp-header-forward/ca');
    expect(env.NO_PROXY).toBe(env.no_proxy);
    const noProxy = splitNoProxy(env.NO_PROXY);
    expect(noProxy).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1', ...API_HOSTS, '.svc', '.cluster.local']));
    for (const host of ['api.githubcopilot.com', 'mcp.analytics.example.com'])
      expect(noProxy.filter((e) => noProxyMatches(e, host))).toEqual([]);
    for (const e of vmcp.env!) {
      expect(e.name).not.toMatch(/^TOOLHIVE_/);
      expect(e.valueFrom).toBeUndefined();
    }
    expect(vmcp.volumeMounts).toEqual([{ name: 'mcp-header-forward-ca', mountPath: '/var/run/mcp-header-forward/ca', readOnly: true }]);
  });

  it('mounts the CA emptyDir, the sidecar-only CA key emptyDir and the entry CA bundle ConfigMap, and records the status hash', () => {
    expect(stored.spec!.volumes!.map((v) => v.name)).toEqual([
      'mcp-header-forward-ca',
      'mcp-header-forward-ca-key',
      'mcp-header-forward-cab-analytics-ca',
    ]);
    expect(stored.spec!.volumes![1]!.emptyDir).toEqual({ medium: 'Memory', sizeLimit: '64Ki' });
    expect(sidecarsOf(stored)[0]!.volumeMounts).toContainEqual({
      name: 'mcp-header-forward-ca-key',
      mountPath: '/var/run/mcp-header-forward/ca-key',
    });
    expect(stored.spec!.volumes![2]!.configMap?.name).toBe('analytics-ca');
    expect(sidecarsOf(stored)[0]!.volumeMounts).toContainEqual({
      name: 'mcp-header-forward-cab-analytics-ca',
      mountPath: '/etc/mcp-header-forward/ca-bundles/analytics-ca',
      readOnly: true,
    });
    expect(stored.metadata!.annotations![STATUS_ANNOTATION]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('leaves the other container untouched', () => {
    expect(stored.spec!.containers.find((c) => c.name === 'log-shipper')!.env).toEqual([
      { name: 'HTTP_PROXY', value: 'http://untouched.example:8080' },
    ]);
  });

  it('is exactly the plan after API server defaulting: re-planning the stored pod gives an empty patch', async () => {
    const { vmcp, entries } = await clusterObjects();
    const again = planPod(stored, { vmcp, entries, settings: SETTINGS });
    expect(patchFor(stored, again.pod)).toEqual([]);
    expect(again.statusHash).toBe(stored.metadata!.annotations![STATUS_ANNOTATION]);
    expect(podRuleViolations(stored)).toEqual([]);
  });

  it('is reinvocation-safe: creating a pod from the injected spec stores it unchanged, with one sidecar', async () => {
    const copy: V1Pod = {
      metadata: { name: `reinjected-${suffix}`, labels: stored.metadata!.labels!, annotations: stored.metadata!.annotations! },
      spec: stored.spec!,
    };
    const again = await core.createNamespacedPod({ namespace: NS, body: copy });
    expect(sidecarsOf(again)).toHaveLength(1);
    expect(again.spec!.initContainers).toEqual(stored.spec!.initContainers);
    expect(again.spec!.containers).toEqual(stored.spec!.containers);
    expect(again.spec!.volumes).toEqual(stored.spec!.volumes);
    expect(again.metadata!.annotations).toEqual(stored.metadata!.annotations);
  });
  it('warns the client about envFrom on the vmcp container (proxy settings it cannot chain) and still injects', async () => {
    const body = vmcpPod(`env-from-${suffix}`);
    body.spec!.containers[0]!.envFrom = [
      { configMapRef: { name: 'corp-proxy' } },
      { prefix: 'OIDC_', secretRef: { name: 'gateway-oidc' } },
    ];
    const response = await core.createNamespacedPodWithHttpInfo({ namespace: NS, body, dryRun: 'All' });
    const warnings = parseWarningHeader(response.headers.warning);
    expect(warnings).toEqual([
      expect.stringMatching(
        /^container "vmcp": envFrom\[0\] \(ConfigMap "corp-proxy"\) may define HTTP_PROXY, http_proxy, https_proxy, NO_PROXY, no_proxy, SSL_CERT_DIR; .* Fix: set them under env of container "vmcp"/,
      ),
    ]);
    expect(sidecarsOf(response.data)).toHaveLength(1);
    expect(vmcpOf(response.data).envFrom).toEqual(body.spec!.containers[0]!.envFrom);
  });
});

describe('pods of a Deployment', () => {
  it('are all mutated, identically', async () => {
    await apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name: 'gateway' },
        spec: {
          replicas: 2,
          selector: { matchLabels: LABELS },
          template: { metadata: { labels: LABELS }, spec: vmcpPod(undefined).spec! },
        },
      },
    });
    const pods = await waitFor('two pods from the Deployment', async () => {
      const list = await core.listNamespacedPod({ namespace: NS, labelSelector: 'pod-template-hash' });
      return list.items.length >= 2 ? list.items.map(asJson) : undefined;
    });
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.metadata!.generateName).toMatch(/^gateway-/);
      expect(sidecarsOf(pod)).toHaveLength(1);
    }
    const shape = (pod: V1Pod) => ({
      initContainers: pod.spec!.initContainers,
      containers: pod.spec!.containers,
      volumes: pod.spec!.volumes,
      status: pod.metadata!.annotations![STATUS_ANNOTATION],
    });
    expect(shape(pods[1]!)).toEqual(shape(pods[0]!));
    const { vmcp, entries } = await clusterObjects();
    expect(patchFor(pods[0]!, planPod(pods[0]!, { vmcp, entries, settings: SETTINGS }).pod)).toEqual([]);
  });
});

describe('pods that are left alone', () => {
  it('an opted-out pod gets no sidecar', async () => {
    const pod = await core.createNamespacedPod({
      namespace: NS,
      body: vmcpPod(`opted-out-${suffix}`, { annotations: { [INJECT_ANNOTATION]: 'false' } }),
    });
    expect(sidecarsOf(pod)).toEqual([]);
    expect(vmcpOf(pod).env!.map((e) => e.name)).toEqual(['VMCP_NAME', 'HTTPS_PROXY']);
  });

  it('a pod in a namespace labelled inject=disabled gets no sidecar', async () => {
    await waitFor(
      'the default ServiceAccount',
      async () => (await core.readNamespacedServiceAccount({ namespace: NS_DISABLED, name: 'default' })) ?? undefined,
    );
    const pod = await core.createNamespacedPod({ namespace: NS_DISABLED, body: vmcpPod(`disabled-${suffix}`), dryRun: 'All' });
    expect(sidecarsOf(pod)).toEqual([]);
    expect(pod.metadata!.annotations?.[STATUS_ANNOTATION]).toBeUndefined();
  });

  it('a pod of a VirtualMCPServer whose group has no headerForward entries gets no patch', async () => {
    const pod = vmcpPod(`other-gw-${suffix}`);
    pod.metadata!.labels = { ...LABELS, 'app.kubernetes.io/instance': 'no-such-gateway' };
    const created = await core.createNamespacedPod({ namespace: NS, body: pod, dryRun: 'All' });
    expect(sidecarsOf(created)).toEqual([]);
  });
});

describe('--sidecar-mode container and resource flags', () => {
  it('adds the sidecar as the last regular container, with the resources in the form the API server stores', async () => {
    await webhook.restart([
      ...webhook.args(),
      '--sidecar-mode',
      'container',
      '--sidecar-cpu-request',
      '0.1',
      '--sidecar-memory-limit',
      '0.5Gi',
    ]);
    const pod = asJson(
      await waitFor('a pod injected in container mode', async () => {
        const created = await core.createNamespacedPod({
          namespace: NS,
          body: vmcpPod(`container-mode-${randomBytes(2).toString('hex')}`),
          dryRun: 'All',
        });
        return created.spec!.containers.at(-1)?.name === SIDECAR_CONTAINER_NAME ? created : undefined;
      }),
    );
    expect(pod.spec!.initContainers ?? []).toEqual([]);
    expect(pod.spec!.containers.map((c) => c.name)).toEqual([VMCP_CONTAINER_NAME, 'log-shipper', SIDECAR_CONTAINER_NAME]);
    const sidecar = pod.spec!.containers.at(-1)!;
    expect(sidecar.restartPolicy).toBeUndefined();
    expect(sidecar.resources).toEqual({ requests: { cpu: '100m', memory: '32Mi' }, limits: { memory: '512Mi' } });
    const settings: InjectSettings = {
      ...SETTINGS,
      mode: 'container',
      resources: { requests: { cpu: '100m', memory: '32Mi' }, limits: { memory: '512Mi' } },
    };
    const { vmcp, entries } = await clusterObjects();
    expect(patchFor(pod, planPod(pod, { vmcp, entries, settings }).pod)).toEqual([]);
  });
});
