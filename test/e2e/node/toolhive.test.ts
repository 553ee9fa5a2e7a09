import { randomBytes } from 'node:crypto';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Container,
  type V1Pod,
} from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueLeaf } from '../../../certs/x509.js';
import { secretEnvVarName } from '../../../contract/envNames.js';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME, VMCP_INSTANCE_LABEL } from '../../../contract/labels.js';
import { sealedPlaceholder } from '../../../contract/sealing.js';
import { TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { connect, type Cluster } from '../harness/cluster.js';
import { kubectl } from '../harness/kubectl.js';
import { PROJECT_ROOT } from '../harness/paths.js';
import { startToolhiveOperator, type ToolhiveOperator } from '../harness/toolhiveOperator.js';
import { realNode } from './realNode.js';
import { valueDigest } from './upstreamPod.js';

// What a user does, on a real node: `kubectl apply -k` the shipped overlay (the image built from the Dockerfile),
// run ToolHive's operator, declare a group, entries and a VirtualMCPServer, and call tools through vMCP. The pods
// the operator's Deployment makes come up with our sidecar (sealed: ToolHive v0.44.0 forwards headers itself), and
// every upstream pod logs what it received.

const node = realNode();
const NS = 'team-a';
const INSTALL_NS = 'mcp-header-forward';
const OVERLAY = `${PROJECT_ROOT}/manifests/overlays/self-signed`;
const VMCP = 'gateway';
const API_KEY = `node-e2e-${randomBytes(12).toString('hex')}`;
const PLAIN_KEY = `node-e2e-plain-${randomBytes(8).toString('hex')}`;

interface UpstreamSpec {
  name: string;
  port: number;
  tls: boolean;
  transport: 'streamable-http' | 'sse';
  path: '/mcp' | '/sse';
  required?: { header: string; secretKey: string };
  headerForward?: Record<string, unknown>;
  caBundle?: boolean;
}

const UPSTREAMS: UpstreamSpec[] = [
  {
    name: 'secure-upstream',
    port: 8443,
    tls: true,
    transport: 'streamable-http',
    path: '/mcp',
    required: { header: 'X-Api-Key', secretKey: 'api-key' },
    caBundle: true,
    headerForward: { addPlaintextHeaders: { 'X-Tenant': 'acme' }, addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'upstream-credentials', key: 'api-key' } }] },
  },
  {
    name: 'plain-upstream',
    port: 8080,
    tls: false,
    transport: 'streamable-http',
    path: '/mcp',
    required: { header: 'X-Plain-Key', secretKey: 'plain-key' },
    headerForward: { addHeadersFromSecret: [{ headerName: 'X-Plain-Key', valueSecretRef: { name: 'upstream-credentials', key: 'plain-key' } }] },
  },
  { name: 'bare-upstream', port: 8080, tls: false, transport: 'sse', path: '/sse' },
];

// Not the Service's cluster.local name: ToolHive's operator marks entries whose remoteUrl is under cluster.local or a
// private IP as Failed (SSRF guard, cmd/thv-operator/pkg/validation), and vMCP then drops them. A name of the reserved
// .test domain reaches the same Service through hostAliases.
const host = (u: UpstreamSpec): string => `${u.name}.upstreams.test`;

let cluster: Cluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let operator: ToolhiveOperator | undefined;
let portForward: ChildProcess | undefined;
let client: Client | undefined;
const timings: Record<string, number> = {};
const execFileAsync = promisify(execFile);

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

async function run(args: readonly string[]): Promise<string> {
  const result = await kubectl(node!, args);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const containersOf = (pod: V1Pod): V1Container[] => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];

async function vmcpPods(): Promise<V1Pod[]> {
  return (await core.listNamespacedPod({ namespace: NS, labelSelector: `${VMCP_INSTANCE_LABEL}=${VMCP}` })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

interface UpstreamLog {
  upstream: string;
  method: string;
  path: string;
  status: string;
  headers: Record<string, string[]>;
}

async function upstreamLog(name: string): Promise<UpstreamLog[]> {
  const pods = (await core.listNamespacedPod({ namespace: NS, labelSelector: `app=${name}` })).items;
  const text = (await Promise.all(pods.map((p) => core.readNamespacedPodLog({ namespace: NS, name: p.metadata!.name! })))).join('\n');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"method"'))
    .map((line) => JSON.parse(line) as UpstreamLog);
}

async function createUpstreams(api: KubernetesObjectApi): Promise<Record<string, string>> {
  const ca = await createCa({ commonName: 'node e2e upstream CA', validForMs: 3_600_000 });
  const secure = UPSTREAMS[0]!;
  const leaf = await issueLeaf(ca, { commonName: host(secure), dnsNames: [host(secure)], validForMs: 3_600_000 });
  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'upstream-credentials', namespace: NS }, stringData: { 'api-key': API_KEY, 'plain-key': PLAIN_KEY } } as KubernetesObject,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'upstream-tls', namespace: NS }, stringData: { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem } } as KubernetesObject,
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'upstream-ca', namespace: NS }, data: { 'ca.crt': ca.certPem } } as KubernetesObject,
  ];
  for (const u of UPSTREAMS) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: u.name, namespace: NS, labels: { app: u.name } },
      spec: {
        securityContext: { runAsUser: 1000, runAsNonRoot: true },
        containers: [
          {
            name: 'upstream',
            image: node!.images.node,
            imagePullPolicy: 'Never',
            command: ['node', '/project/dist/test/e2e/node/upstreamPod.js'],
            env: [
              { name: 'LABEL', value: u.name },
              { name: 'PORT', value: String(u.port) },
              ...(u.tls ? [{ name: 'TLS_CERT_FILE', value: '/tls/tls.crt' }, { name: 'TLS_KEY_FILE', value: '/tls/tls.key' }] : []),
              ...(u.required
                ? [{ name: 'REQUIRED_HEADER', value: u.required.header }, { name: 'REQUIRED_VALUE', valueFrom: { secretKeyRef: { name: 'upstream-credentials', key: u.required.secretKey } } }]
                : []),
            ],
            readinessProbe: { tcpSocket: { port: u.port }, periodSeconds: 1 },
            volumeMounts: [{ name: 'project', mountPath: '/project', readOnly: true }, ...(u.tls ? [{ name: 'tls', mountPath: '/tls', readOnly: true }] : [])],
          },
        ],
        volumes: [{ name: 'project', hostPath: { path: PROJECT_ROOT, type: 'Directory' } }, ...(u.tls ? [{ name: 'tls', secret: { secretName: 'upstream-tls' } }] : [])],
      },
    } as KubernetesObject);
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: u.name, namespace: NS }, spec: { selector: { app: u.name }, ports: [{ port: u.port, targetPort: u.port }] } } as KubernetesObject);
  }
  for (const object of objects) await api.create(object);
  const ips: Record<string, string> = {};
  for (const u of UPSTREAMS) ips[u.name] = (await core.readNamespacedService({ namespace: NS, name: u.name })).spec!.clusterIP!;
  for (const u of UPSTREAMS) await waitFor(`upstream pod ${u.name} Ready`, async () => ((await core.readNamespacedPod({ namespace: NS, name: u.name }).then(isReady)) ? true : undefined));
  return ips;
}

async function createToolhiveObjects(api: KubernetesObjectApi, ips: Record<string, string>): Promise<void> {
  const group = { apiVersion: `${TOOLHIVE_GROUP}/v1beta1`, kind: 'MCPGroup', metadata: { name: 'engineering', namespace: NS }, spec: {} };
  await api.create(group as KubernetesObject);
  for (const u of UPSTREAMS) {
    await api.create({
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'MCPServerEntry',
      metadata: { name: u.name, namespace: NS },
      spec: {
        remoteUrl: `${u.tls ? 'https' : 'http'}://${host(u)}:${u.port}${u.path}`,
        transport: u.transport,
        groupRef: { name: 'engineering' },
        ...(u.caBundle ? { caBundleRef: { configMapRef: { name: 'upstream-ca', key: 'ca.crt' } } } : {}),
        ...(u.headerForward ? { headerForward: u.headerForward } : {}),
      },
    } as KubernetesObject);
  }
  // No cluster DNS here: the Services' names reach vMCP and its sidecar through /etc/hosts (hostAliases).
  const hostAliases = UPSTREAMS.map((u) => ({ ip: ips[u.name]!, hostnames: [host(u)] }));
  await api.create({
    apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
    kind: 'VirtualMCPServer',
    metadata: { name: VMCP, namespace: NS },
    spec: { groupRef: { name: 'engineering' }, incomingAuth: { type: 'anonymous' }, podTemplateSpec: { spec: { hostAliases } } },
  } as KubernetesObject);
}

/** `kubectl port-forward` to the vMCP pod: the MCP client reaches vMCP the way a person would from outside. */
async function forwardToVmcp(pod: string): Promise<number> {
  const child = spawn(node!.kubectlPath, ['--kubeconfig', node!.kubeconfigPath, 'port-forward', '-n', NS, `pod/${pod}`, ':4483', '--address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  portForward = child;
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`kubectl port-forward exited (${code}): ${output}`)));
  });
}

async function connectClient(pod: string): Promise<Client> {
  portForward?.kill();
  const port = await forwardToVmcp(pod);
  const mcp = new Client({ name: 'node-e2e', version: '1.0.0' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return mcp;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');
}

describe.skipIf(node === undefined)('installed as a user installs it, with ToolHive making the vMCP pods', () => {
  let vmcpPod: V1Pod;

  beforeAll(async () => {
    cluster = connect(node!);
    core = cluster.admin.makeApiClient(CoreV1Api);
    apps = cluster.admin.makeApiClient(AppsV1Api);
    const api = KubernetesObjectApi.makeApiClient(cluster.admin);
    let started = Date.now();
    await run(['apply', '-k', OVERLAY]);
    await waitFor('the certs Job to complete', async () => ((await cluster.admin.makeApiClient(BatchV1Api).readNamespacedJob({ namespace: INSTALL_NS, name: 'mcp-header-forward-certs' })).status?.succeeded === 1 ? true : undefined));
    await waitFor('both webhook replicas Ready', async () => ((await apps.readNamespacedDeployment({ namespace: INSTALL_NS, name: 'mcp-header-forward' })).status?.readyReplicas === 2 ? true : undefined), 180_000);
    timings.installSeconds = (Date.now() - started) / 1000;
    await core.createNamespace({ body: { metadata: { name: NS } } });
    started = Date.now();
    const ips = await createUpstreams(api);
    timings.upstreamsSeconds = (Date.now() - started) / 1000;
    operator = await startToolhiveOperator(cluster, { vmcpImage: node!.images.vmcp, log: (line) => console.log(`[node e2e] ${line}`) });
    started = Date.now();
    await createToolhiveObjects(api, ips);
    vmcpPod = await waitFor('the operator-made vMCP pod Running and Ready', async () => (await vmcpPods()).find(isReady), 180_000);
    timings.vmcpReadySeconds = (Date.now() - started) / 1000;
    try {
      client = await connectClient(vmcpPod.metadata!.name!);
    } catch (error) {
      const diag = async (args: string[]): Promise<string> => (await kubectl(node!, args)).stdout + (await kubectl(node!, args)).stderr;
      console.log(`[node e2e] hosts: ${await diag(['exec', '-n', NS, vmcpPod.metadata!.name!, '-c', SIDECAR_CONTAINER_NAME, '--', 'node', '-e', "for (const f of ['/etc/hosts', '/etc/resolv.conf', '/etc/nsswitch.conf']) console.log(f, require('fs').readFileSync(f, 'utf8'))"])}`);
      console.log(`[node e2e] deployment hostAliases: ${await diag(['get', 'deploy', '-n', NS, '-o', 'jsonpath={.items[*].spec.template.spec.hostAliases}'])} vmcp: ${await diag(['get', 'virtualmcpserver', '-n', NS, VMCP, '-o', 'jsonpath={.spec.podTemplateSpec}'])}`);
      console.log(`[node e2e] fetch: ${await diag(['exec', '-n', NS, vmcpPod.metadata!.name!, '-c', SIDECAR_CONTAINER_NAME, '--', 'node', '-e', "fetch('http://plain-upstream.upstreams.test:8080/x').then(r=>console.log(r.status),e=>console.log(String(e), e.cause))"])}`);
      for (const container of [VMCP_CONTAINER_NAME, SIDECAR_CONTAINER_NAME]) {
        const text = await core.readNamespacedPodLog({ namespace: NS, name: vmcpPod.metadata!.name!, container }).catch((e: unknown) => String(e));
        console.log(`[node e2e] ${container} log:\n${text.slice(-6000)}`);
      }
      throw error;
    }
  }, 900_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    portForward?.kill();
    await operator?.stop();
    console.log(`[node e2e] timings: ${JSON.stringify(timings)}`);
  });

  it('installed from the overlay: the cert Job ran, both replicas are Ready behind the Service, the configurations got their caBundle', async () => {
    const endpoints = await core.readNamespacedEndpoints({ namespace: INSTALL_NS, name: 'mcp-header-forward' });
    expect(endpoints.subsets?.flatMap((s) => s.addresses ?? [])).toHaveLength(2);
    const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const validating = await admission.readValidatingWebhookConfiguration({ name: 'mcp-header-forward' });
    const mutating = await admission.readMutatingWebhookConfiguration({ name: 'mcp-header-forward' });
    for (const webhook of [...(validating.webhooks ?? []), ...(mutating.webhooks ?? [])]) expect(webhook.clientConfig.caBundle?.length ?? 0).toBeGreaterThan(100);
  });

  it("runs the pod the API server stored: mutated, the sidecar started first and Ready, vmcp Ready after it", () => {
    expect(vmcpPod.spec!.initContainers?.[0]?.name).toBe(SIDECAR_CONTAINER_NAME);
    expect(vmcpPod.spec!.initContainers?.[0]?.restartPolicy).toBe('Always');
    const sidecar = vmcpPod.status!.initContainerStatuses!.find((s) => s.name === SIDECAR_CONTAINER_NAME)!;
    const vmcp = vmcpPod.status!.containerStatuses!.find((s) => s.name === VMCP_CONTAINER_NAME)!;
    expect(sidecar.ready).toBe(true);
    expect(vmcp.ready).toBe(true);
    expect(sidecar.started).toBe(true);
    expect(new Date(sidecar.state!.running!.startedAt!).getTime()).toBeLessThanOrEqual(new Date(vmcp.state!.running!.startedAt!).getTime());
  });

  it('is sealed: the vmcp container holds placeholders, the kubelet resolved the Secrets into the sidecar only', () => {
    for (const [entry, header] of [['secure-upstream', 'X-Api-Key'], ['plain-upstream', 'X-Plain-Key']] as const) {
      const name = secretEnvVarName(entry, header);
      expect(vmcpPod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!.env!.find((e) => e.name === name)).toEqual({ name, value: sealedPlaceholder(name) });
      expect(vmcpPod.spec!.initContainers![0]!.env!.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name).toBe('upstream-credentials');
    }
  });

  it('calls a tool on each upstream through vMCP', async () => {
    const tools = (await client!.listTools()).tools.map((t) => t.name);
    for (const u of UPSTREAMS) expect(tools.some((t) => t.startsWith(u.name) && t.endsWith('echo'))).toBe(true);
    for (const u of UPSTREAMS) {
      const tool = tools.find((t) => t.startsWith(u.name) && t.endsWith('echo'))!;
      const result = await client!.callTool({ name: tool, arguments: { message: 'via the node' } });
      expect(textOf(result)).toBe(`${u.name}: via the node`);
    }
  });

  it('delivered exactly the configured headers, once each; the upstream without headerForward got none', async () => {
    const secure = await upstreamLog('secure-upstream');
    expect(secure.length).toBeGreaterThan(0);
    for (const request of secure) {
      expect(request.status).toBe('accepted');
      expect(request.headers['x-api-key']).toEqual([`sha256:${valueDigest(API_KEY)}`]);
      expect(request.headers['x-tenant']).toEqual(['acme']);
    }
    const plain = await upstreamLog('plain-upstream');
    expect(plain.length).toBeGreaterThan(0);
    for (const request of plain) expect(request.headers['x-plain-key']).toEqual([`sha256:${valueDigest(PLAIN_KEY)}`]);
    const bare = await upstreamLog('bare-upstream');
    expect(bare.length).toBeGreaterThan(0);
    for (const request of bare) {
      for (const header of ['x-api-key', 'x-plain-key', 'x-tenant']) expect(request.headers).not.toHaveProperty(header);
    }
  });

  it('never writes a Secret value into any log: sidecar, vmcp, webhook, upstreams', async () => {
    const pods = [...(await core.listNamespacedPod({ namespace: NS })).items, ...(await core.listNamespacedPod({ namespace: INSTALL_NS })).items];
    let read = 0;
    for (const pod of pods) {
      for (const container of containersOf(pod)) {
        const text = await core.readNamespacedPodLog({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, container: container.name }).catch(() => '');
        read += text.length;
        expect(text).not.toContain(API_KEY);
        expect(text).not.toContain(PLAIN_KEY);
      }
    }
    expect(read).toBeGreaterThan(0);
  });

  it('keeps working when the sidecar is killed: the kubelet restarts it, vmcp keeps running with the CA it loaded', async () => {
    const pod = (await vmcpPods()).find(isReady)!;
    const sidecarStatus = pod.status!.initContainerStatuses!.find((st) => st.name === SIDECAR_CONTAINER_NAME)!;
    const containerId = sidecarStatus.containerID!.replace(/^containerd:\/\//, '');
    await execFileAsync('ctr', ['--address', node!.containerdSocket, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', containerId]);
    const restarted = await waitFor('the sidecar restarted and Ready', async () => {
      const now = await core.readNamespacedPod({ namespace: NS, name: pod.metadata!.name! });
      const st = now.status?.initContainerStatuses?.find((c) => c.name === SIDECAR_CONTAINER_NAME);
      return st && st.restartCount > sidecarStatus.restartCount && st.ready && isReady(now) ? now : undefined;
    });
    expect(restarted.status!.containerStatuses!.find((c) => c.name === VMCP_CONTAINER_NAME)!.restartCount).toBe(0);
    client = await connectClient(pod.metadata!.name!);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const result = await client.callTool({ name: tools.find((t) => t.startsWith('secure-upstream') && t.endsWith('echo'))!, arguments: { message: 'after a sidecar restart' } });
    expect(textOf(result)).toBe('secure-upstream: after a sidecar restart');
    expect((await core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: SIDECAR_CONTAINER_NAME })).length).toBeGreaterThan(0);
  });

  it('rolls the webhook (new sidecar settings, remediation on) while the vMCP Deployment scales up: every vMCP pod gets the sidecar, drifted ones are replaced', async () => {
    const before = new Set((await vmcpPods()).map((p) => p.metadata!.uid!));
    const patch = ['--remediate=evict', '--drift-interval=2000', '--remediate-rate=60', '--sidecar-memory-limit=160Mi'].map((value) => ({ op: 'add', path: '/spec/template/spec/containers/0/args/-', value }));
    await run(['patch', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--type=json', '-p', JSON.stringify(patch)]);
    await run(['patch', 'virtualmcpserver', VMCP, '-n', NS, '--type=merge', '-p', JSON.stringify({ spec: { replicas: 2 } })]);
    await waitFor('the webhook rollout', async () => {
      const d = await apps.readNamespacedDeployment({ namespace: INSTALL_NS, name: 'mcp-header-forward' });
      return d.status?.observedGeneration === d.metadata?.generation && d.status?.updatedReplicas === 2 && d.status?.readyReplicas === 2 && d.status?.replicas === 2 ? true : undefined;
    }, 180_000);
    const replaced = await waitFor('two Ready vMCP pods, all new, with the new sidecar settings', async () => {
      const pods = await vmcpPods();
      const fresh = pods.filter((p) => !before.has(p.metadata!.uid!) && isReady(p));
      const limit = (p: V1Pod): string | undefined => p.spec!.initContainers?.find((c) => c.name === SIDECAR_CONTAINER_NAME)?.resources?.limits?.memory;
      return pods.length === 2 && fresh.length === 2 && fresh.every((p) => limit(p) === '160Mi') ? fresh : undefined;
    }, 240_000);
    expect(replaced.every((p) => p.spec!.initContainers![0]!.name === SIDECAR_CONTAINER_NAME)).toBe(true);
    const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=FailedCreate' });
    expect(events.items.map((e) => e.message)).toEqual([]);
  });

  it('with the webhook down (failurePolicy Fail), a vMCP pod waits while other pods start; it comes back with the sidecar', async () => {
    await run(['scale', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--replicas=0']);
    await waitFor('no webhook endpoints', async () => ((await core.readNamespacedEndpoints({ namespace: INSTALL_NS, name: 'mcp-header-forward' })).subsets?.flatMap((x) => x.addresses ?? []).length ?? 0) === 0 ? true : undefined);
    const victim = (await vmcpPods())[0]!;
    await core.deleteNamespacedPod({ namespace: NS, name: victim.metadata!.name!, gracePeriodSeconds: 0 });
    await core.createNamespace({ body: { metadata: { name: 'team-b' } } });
    await core.createNamespacedPod({
      namespace: 'team-b',
      body: { metadata: { name: 'unrelated' }, spec: { containers: [{ name: 'app', image: node!.images.node, imagePullPolicy: 'Never', command: ['node', '-e', 'setInterval(() => {}, 1e6)'] }] } },
    });
    await waitFor('the unrelated pod Running', async () => ((await core.readNamespacedPod({ namespace: 'team-b', name: 'unrelated' })).status?.phase === 'Running' ? true : undefined));
    await waitFor('the ReplicaSet refused by the webhook (FailedCreate)', async () => {
      const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=FailedCreate' });
      return events.items.some((e) => /failed calling webhook/.test(e.message ?? '')) ? true : undefined;
    });
    expect((await vmcpPods()).length).toBe(1);
    await run(['scale', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--replicas=2']);
    const back = await waitFor('two Ready vMCP pods again', async () => {
      const pods = await vmcpPods();
      return pods.length === 2 && pods.every(isReady) ? pods : undefined;
    }, 240_000);
    expect(back.every((p) => p.spec!.initContainers?.[0]?.name === SIDECAR_CONTAINER_NAME)).toBe(true);
    await core.deleteNamespace({ name: 'team-b' });
  });

  it("rotates the serving certificate with the CronJob's command while entries are applied: no request fails", async () => {
    const batch = cluster.admin.makeApiClient(BatchV1Api);
    const cron = await batch.readNamespacedCronJob({ namespace: INSTALL_NS, name: 'mcp-header-forward-certs' });
    const template = cron.spec!.jobTemplate.spec!;
    // The CronJob's own command, told to renew now: the 365-day leaf from the install is due within 380 days.
    const container = template.template.spec!.containers[0]!;
    const now: Record<string, string> = { '--days': '400', '--renew-before-days': '380' };
    container.args = container.args!.map((arg) => {
      const [flag] = arg.split('=');
      return now[flag!] === undefined ? arg : `${flag}=${now[flag!]}`;
    });
    let stop = false;
    let failures = 0;
    let requests = 0;
    const entry = (i: number): KubernetesObject =>
      ({ apiVersion: `${TOOLHIVE_GROUP}/v1beta1`, kind: 'MCPServerEntry', metadata: { name: `rotation-${i}`, namespace: NS }, spec: { remoteUrl: 'https://rotation.upstreams.test/mcp', transport: 'streamable-http', groupRef: { name: 'engineering' }, headerForward: { addPlaintextHeaders: { 'X-Tenant': 'acme' } } } }) as KubernetesObject;
    const api = KubernetesObjectApi.makeApiClient(cluster.admin);
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        requests++;
        await api.create(entry(i), undefined, 'All').catch(() => failures++);
        await sleep(100);
      }
    })();
    await batch.createNamespacedJob({ namespace: INSTALL_NS, body: { metadata: { name: 'certs-rotate-now' }, spec: { ...template, template: { ...template.template } } } });
    await waitFor('the rotation Job to complete', async () => ((await batch.readNamespacedJob({ namespace: INSTALL_NS, name: 'certs-rotate-now' })).status?.succeeded === 1 ? true : undefined));
    await waitFor('both webhook replicas to reload the new certificate', async () => {
      const pods = (await core.listNamespacedPod({ namespace: INSTALL_NS, labelSelector: 'app.kubernetes.io/component=webhook' })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
      const logs = await Promise.all(pods.map((p) => core.readNamespacedPodLog({ namespace: INSTALL_NS, name: p.metadata!.name! })));
      return pods.length === 2 && logs.every((l) => l.includes('reloaded TLS certificate')) ? true : undefined;
    }, 180_000);
    await sleep(2_000);
    stop = true;
    await load;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toBe(0);
  });

  it('uninstalls as the README says, leaving nothing of ours behind', async () => {
    await run(['delete', 'validatingwebhookconfiguration,mutatingwebhookconfiguration', 'mcp-header-forward', '--ignore-not-found']);
    await run(['delete', '-k', OVERLAY, '--ignore-not-found', '--wait=true']);
    await waitFor('the install namespace gone', async () => ((await core.readNamespace({ name: INSTALL_NS }).then(() => false, () => true)) ? true : undefined));
    const left = await run(['get', 'clusterroles,clusterrolebindings,validatingwebhookconfigurations,mutatingwebhookconfigurations', '-l', 'app.kubernetes.io/name=mcp-header-forward', '-o', 'name']);
    expect(left.trim()).toBe('');
  });
});
