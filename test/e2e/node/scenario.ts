import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
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
import { createCa, issueLeaf } from '../../../certs/x509.js';
import { VMCP_INSTANCE_LABEL } from '../../../contract/labels.js';
import { TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { connect, type Cluster } from '../harness/cluster.js';
import { kubectl } from '../harness/kubectl.js';
import { PROJECT_ROOT } from '../harness/paths.js';
import type { ManagedProcess } from '../harness/processes.js';
import { startToolhiveOperator, type ToolhiveOperator } from '../harness/toolhiveOperator.js';
import type { NodeClusterInfo } from './nodeCluster.js';

// What a user does on a real node, as steps the real-node suite and `make demo` share: install the shipped overlay
// with `kubectl apply -k`, run upstream MCP servers as pods, run ToolHive's operator, declare a group, entries and a
// VirtualMCPServer, and reach vMCP through `kubectl port-forward`.

export const INSTALL_NS = 'mcp-header-forward';
export const OVERLAY = `${PROJECT_ROOT}/manifests/overlays/self-signed`;
export const VMCP = 'gateway';
export const GROUP = 'engineering';

export interface UpstreamSpec {
  name: string;
  port: number;
  tls: boolean;
  transport: 'streamable-http' | 'sse';
  path: '/mcp' | '/sse';
  /** The upstream answers 401 unless this header carries the value of this key of the credentials Secret. */
  required?: { header: string; secretKey: string };
  headerForward?: Record<string, unknown>;
  caBundle?: boolean;
}

export const CREDENTIALS_SECRET = 'upstream-credentials';

export const SECURE_UPSTREAM: UpstreamSpec = {
  name: 'secure-upstream',
  port: 8443,
  tls: true,
  transport: 'streamable-http',
  path: '/mcp',
  required: { header: 'X-Api-Key', secretKey: 'api-key' },
  caBundle: true,
  headerForward: {
    addPlaintextHeaders: { 'X-Tenant': 'acme' },
    addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: CREDENTIALS_SECRET, key: 'api-key' } }],
  },
};
export const PLAIN_UPSTREAM: UpstreamSpec = {
  name: 'plain-upstream',
  port: 8080,
  tls: false,
  transport: 'streamable-http',
  path: '/mcp',
  required: { header: 'X-Plain-Key', secretKey: 'plain-key' },
  headerForward: { addHeadersFromSecret: [{ headerName: 'X-Plain-Key', valueSecretRef: { name: CREDENTIALS_SECRET, key: 'plain-key' } }] },
};
export const BARE_UPSTREAM: UpstreamSpec = { name: 'bare-upstream', port: 8080, tls: false, transport: 'sse', path: '/sse' };

// Not the Service's cluster.local name: ToolHive's operator marks entries whose remoteUrl is under cluster.local or a
// private IP as Failed (SSRF guard, cmd/thv-operator/pkg/validation), and vMCP then drops them. A name of the reserved
// .test domain reaches the same Service through hostAliases.
export const upstreamHost = (u: UpstreamSpec): string => `${u.name}.upstreams.test`;
export const remoteUrlOf = (u: UpstreamSpec): string => `${u.tls ? 'https' : 'http'}://${upstreamHost(u)}:${u.port}${u.path}`;

export const isReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
export const containersOf = (pod: V1Pod): V1Container[] => [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];

/** Poll `probe` until it gives a value; fail fast, with its log, if a watched process exits first. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
  watched: readonly ManagedProcess[] = [],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const dead = watched.find((p) => !p.isRunning());
    if (dead)
      throw new Error(
        `${dead.name} exited while waiting for ${what}; log ${dead.logFile}:\n${(await readFile(dead.logFile, 'utf8').catch(() => '')).slice(-3000)}`,
      );
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}

/** One request as an upstream pod logged it (upstreamPod.ts): credential values as digests only. */
export interface UpstreamLog {
  upstream: string;
  method: string;
  path: string;
  status: string;
  headers: Record<string, string[]>;
}

export function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');
}

export interface NodeScenario {
  cluster: Cluster;
  core: CoreV1Api;
  apps: AppsV1Api;
  namespace: string;
  /** `kubectl` as the admin; throws with its stderr on a non-zero exit. */
  kubectl(args: readonly string[]): Promise<string>;
  /** `kubectl apply -k` of the self-signed overlay, then waitInstalled(); seconds. */
  install(): Promise<number>;
  /** The certs Job done and both webhook replicas Ready. */
  waitInstalled(): Promise<void>;
  /** The install namespace deleted, then the cluster-scoped objects of ours still there (names; '' for none). */
  waitUninstalled(): Promise<string>;
  /** The upstream pods and Services, Ready; returns their ClusterIPs by name. */
  createUpstreams(upstreams: readonly UpstreamSpec[], credentials: Record<string, string>): Promise<Record<string, string>>;
  startOperator(log?: (line: string) => void): Promise<ToolhiveOperator>;
  createGroup(): Promise<void>;
  /** The VirtualMCPServer of the group; the upstreams' names reach their Services through hostAliases. */
  createVirtualMcpServer(upstreams: readonly UpstreamSpec[], ips: Record<string, string>): Promise<void>;
  /** MCPGroup, one MCPServerEntry per upstream, the VirtualMCPServer. */
  createToolhiveObjects(upstreams: readonly UpstreamSpec[], ips: Record<string, string>): Promise<void>;
  vmcpPods(): Promise<V1Pod[]>;
  upstreamLog(name: string): Promise<UpstreamLog[]>;
  /** An MCP client to vMCP through `kubectl port-forward` to this pod (replaces the previous one). */
  connectClient(pod: string): Promise<Client>;
  close(): Promise<void>;
}

export function nodeScenario(info: NodeClusterInfo, namespace: string): NodeScenario {
  const cluster = connect(info);
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const apps = cluster.admin.makeApiClient(AppsV1Api);
  const objects = KubernetesObjectApi.makeApiClient(cluster.admin);
  let operator: ToolhiveOperator | undefined;
  let portForward: ChildProcess | undefined;
  let client: Client | undefined;

  const run = async (args: readonly string[]): Promise<string> => {
    const result = await kubectl(info, args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };

  const forwardTo = (pod: string): Promise<number> => {
    const child = spawn(
      info.kubectlPath,
      ['--kubeconfig', info.kubeconfigPath, 'port-forward', '-n', namespace, `pod/${pod}`, ':4483', '--address', '127.0.0.1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
  };

  const waitInstalled = async (): Promise<void> => {
    const batch = cluster.admin.makeApiClient(BatchV1Api);
    await waitFor('the certs Job to complete', async () =>
      (await batch.readNamespacedJob({ namespace: INSTALL_NS, name: 'mcp-header-forward-certs' })).status?.succeeded === 1
        ? true
        : undefined,
    );
    await waitFor(
      'both webhook replicas Ready',
      async () =>
        (await apps.readNamespacedDeployment({ namespace: INSTALL_NS, name: 'mcp-header-forward' })).status?.readyReplicas === 2
          ? true
          : undefined,
      180_000,
    );
  };
  const waitUninstalled = async (): Promise<string> => {
    await waitFor('the install namespace gone', async () =>
      (await core.readNamespace({ name: INSTALL_NS }).then(
        () => false,
        () => true,
      ))
        ? true
        : undefined,
    );
    const left = await run([
      'get',
      'clusterroles,clusterrolebindings,validatingwebhookconfigurations,mutatingwebhookconfigurations',
      '-l',
      'app.kubernetes.io/name=mcp-header-forward',
      '-o',
      'name',
    ]);
    return left.trim();
  };
  const createGroup = async (): Promise<void> => {
    await objects.create({
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'MCPGroup',
      metadata: { name: GROUP, namespace },
      spec: {},
    } as KubernetesObject);
  };
  const createVirtualMcpServer = async (upstreams: readonly UpstreamSpec[], ips: Record<string, string>): Promise<void> => {
    // No cluster DNS here: the upstreams' names reach vMCP and its sidecar through /etc/hosts (hostAliases).
    const hostAliases = upstreams.map((u) => ({ ip: ips[u.name]!, hostnames: [upstreamHost(u)] }));
    await objects.create({
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'VirtualMCPServer',
      metadata: { name: VMCP, namespace },
      spec: { groupRef: { name: GROUP }, incomingAuth: { type: 'anonymous' }, podTemplateSpec: { spec: { hostAliases } } },
    } as KubernetesObject);
  };

  return {
    cluster,
    core,
    apps,
    namespace,
    kubectl: run,
    async install() {
      const started = Date.now();
      await run(['apply', '-k', OVERLAY]);
      await waitInstalled();
      return (Date.now() - started) / 1000;
    },
    waitInstalled,
    waitUninstalled,
    async createUpstreams(upstreams, credentials) {
      const ca = await createCa({ commonName: 'node e2e upstream CA', validForMs: 3_600_000 });
      const tlsHosts = upstreams.filter((u) => u.tls).map(upstreamHost);
      const leaf = await issueLeaf(ca, { commonName: tlsHosts[0] ?? 'upstream', dnsNames: tlsHosts, validForMs: 3_600_000 });
      const list: KubernetesObject[] = [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: CREDENTIALS_SECRET, namespace },
          stringData: credentials,
        } as KubernetesObject,
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'upstream-tls', namespace },
          stringData: { 'tls.crt': leaf.certPem, 'tls.key': leaf.keyPem },
        } as KubernetesObject,
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'upstream-ca', namespace },
          data: { 'ca.crt': ca.certPem },
        } as KubernetesObject,
      ];
      for (const u of upstreams) list.push(upstreamPod(u, namespace, info.images.node), upstreamService(u, namespace));
      for (const object of list) await objects.create(object);
      const ips: Record<string, string> = {};
      for (const u of upstreams) ips[u.name] = (await core.readNamespacedService({ namespace, name: u.name })).spec!.clusterIP!;
      for (const u of upstreams)
        await waitFor(`upstream pod ${u.name} Ready`, async () =>
          (await core.readNamespacedPod({ namespace, name: u.name }).then(isReady)) ? true : undefined,
        );
      return ips;
    },
    async startOperator(log) {
      operator = await startToolhiveOperator(cluster, { vmcpImage: info.images.vmcp, ...(log ? { log } : {}) });
      return operator;
    },
    createGroup,
    createVirtualMcpServer,
    async createToolhiveObjects(upstreams, ips) {
      await createGroup();
      for (const u of upstreams) await objects.create(entryFor(u, namespace));
      await createVirtualMcpServer(upstreams, ips);
    },
    async vmcpPods() {
      return (await core.listNamespacedPod({ namespace, labelSelector: `${VMCP_INSTANCE_LABEL}=${VMCP}` })).items.filter(
        (p) => p.metadata?.deletionTimestamp === undefined,
      );
    },
    async upstreamLog(name) {
      const pods = (await core.listNamespacedPod({ namespace, labelSelector: `app=${name}` })).items;
      const text = (await Promise.all(pods.map((p) => core.readNamespacedPodLog({ namespace, name: p.metadata!.name! })))).join('\n');
      return text
        .split('\n')
        .filter((line) => line.startsWith('{') && line.includes('"method"'))
        .map((line) => JSON.parse(line) as UpstreamLog);
    },
    async connectClient(pod) {
      await client?.close().catch(() => undefined);
      portForward?.kill();
      const port = await forwardTo(pod);
      client = new Client({ name: 'mcp-header-forward-node', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      return client;
    },
    async close() {
      await client?.close().catch(() => undefined);
      portForward?.kill();
      await operator?.stop();
    },
  };
}

export function entryFor(u: UpstreamSpec, namespace: string): KubernetesObject {
  return {
    apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
    kind: 'MCPServerEntry',
    metadata: { name: u.name, namespace },
    spec: {
      remoteUrl: remoteUrlOf(u),
      transport: u.transport,
      groupRef: { name: GROUP },
      ...(u.caBundle ? { caBundleRef: { configMapRef: { name: 'upstream-ca', key: 'ca.crt' } } } : {}),
      ...(u.headerForward ? { headerForward: u.headerForward } : {}),
    },
  } as KubernetesObject;
}

/** An upstream MCP server pod: the node base image running upstreamPod.js from the project, mounted read-only. */
function upstreamPod(u: UpstreamSpec, namespace: string, image: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: u.name, namespace, labels: { app: u.name } },
    spec: {
      securityContext: { runAsUser: 1000, runAsNonRoot: true },
      containers: [
        {
          name: 'upstream',
          image,
          imagePullPolicy: 'Never',
          command: ['node', '/project/dist/test/e2e/node/upstreamPod.js'],
          env: [
            { name: 'LABEL', value: u.name },
            { name: 'PORT', value: String(u.port) },
            ...(u.tls
              ? [
                  { name: 'TLS_CERT_FILE', value: '/tls/tls.crt' },
                  { name: 'TLS_KEY_FILE', value: '/tls/tls.key' },
                ]
              : []),
            ...(u.required
              ? [
                  { name: 'REQUIRED_HEADER', value: u.required.header },
                  { name: 'REQUIRED_VALUE', valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key: u.required.secretKey } } },
                ]
              : []),
          ],
          readinessProbe: { tcpSocket: { port: u.port }, periodSeconds: 1 },
          volumeMounts: [
            { name: 'project', mountPath: '/project', readOnly: true },
            ...(u.tls ? [{ name: 'tls', mountPath: '/tls', readOnly: true }] : []),
          ],
        },
      ],
      volumes: [
        { name: 'project', hostPath: { path: PROJECT_ROOT, type: 'Directory' } },
        ...(u.tls ? [{ name: 'tls', secret: { secretName: 'upstream-tls' } }] : []),
      ],
    },
  } as KubernetesObject;
}

function upstreamService(u: UpstreamSpec, namespace: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: u.name, namespace },
    spec: { selector: { app: u.name }, ports: [{ port: u.port, targetPort: u.port }] },
  } as KubernetesObject;
}
