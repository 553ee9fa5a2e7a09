import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionregistrationV1Api, BatchV1Api, KubernetesObjectApi, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvVarName } from '../../../contract/envNames.js';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME } from '../../../contract/labels.js';
import { sealedPlaceholder } from '../../../contract/sealing.js';
import { TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { realNode } from './realNode.js';
import {
  BARE_UPSTREAM,
  GROUP,
  containersOf,
  INSTALL_NS,
  isReady,
  nodeScenario,
  OVERLAY,
  PLAIN_UPSTREAM,
  SECURE_UPSTREAM,
  textOf,
  VMCP,
  waitFor,
  type NodeScenario,
} from './scenario.js';
import { valueDigest } from './upstreamPod.js';

// What a user does, on a real node: `kubectl apply -k` the shipped overlay (the image built from the Dockerfile),
// run ToolHive's operator, declare a group, entries and a VirtualMCPServer, and call tools through vMCP. The pods
// the operator's Deployment makes come up with our sidecar (sealed: ToolHive v0.44.0 forwards headers itself), and
// every upstream pod logs what it received.

const node = realNode();
const NS = 'team-a';
const UPSTREAMS = [SECURE_UPSTREAM, PLAIN_UPSTREAM, BARE_UPSTREAM];
const API_KEY = `node-e2e-${randomBytes(12).toString('hex')}`;
const PLAIN_KEY = `node-e2e-plain-${randomBytes(8).toString('hex')}`;
const execFileAsync = promisify(execFile);
const timings: Record<string, number> = {};

let scenario: NodeScenario;
let client: Client;

const vmcpPods = (): Promise<V1Pod[]> => scenario.vmcpPods();
const run = (args: readonly string[]): Promise<string> => scenario.kubectl(args);

describe.skipIf(node === undefined)('installed as a user installs it, with ToolHive making the vMCP pods', () => {
  let vmcpPod: V1Pod;

  beforeAll(async () => {
    scenario = nodeScenario(node!, NS);
    timings.installSeconds = await scenario.install();
    await scenario.core.createNamespace({ body: { metadata: { name: NS } } });
    let started = Date.now();
    const ips = await scenario.createUpstreams(UPSTREAMS, { 'api-key': API_KEY, 'plain-key': PLAIN_KEY });
    timings.upstreamsSeconds = (Date.now() - started) / 1000;
    await scenario.startOperator((line) => console.log(`[node e2e] ${line}`));
    started = Date.now();
    await scenario.createToolhiveObjects(UPSTREAMS, ips);
    vmcpPod = await waitFor('the operator-made vMCP pod Running and Ready', async () => (await vmcpPods()).find(isReady), 180_000);
    timings.vmcpReadySeconds = (Date.now() - started) / 1000;
    try {
      client = await scenario.connectClient(vmcpPod.metadata!.name!);
    } catch (error) {
      // What a person needs to see why vMCP cannot serve: both containers' logs.
      for (const container of [VMCP_CONTAINER_NAME, SIDECAR_CONTAINER_NAME]) {
        const text = await scenario.core
          .readNamespacedPodLog({ namespace: NS, name: vmcpPod.metadata!.name!, container })
          .catch((e: unknown) => String(e));
        console.log(`[node e2e] ${container} log:\n${text.slice(-6000)}`);
      }
      throw error;
    }
  }, 900_000);

  afterAll(async () => {
    // Delete the namespace while ToolHive's operator runs: it removes the finalizers it put on its objects.
    await scenario?.kubectl(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    await scenario?.close();
    console.log(`[node e2e] timings: ${JSON.stringify(timings)}`);
  });

  it('installed from the overlay: the cert Job ran, both replicas are Ready behind the Service, the configurations got their caBundle', async () => {
    const endpoints = await scenario.core.readNamespacedEndpoints({ namespace: INSTALL_NS, name: 'mcp-header-forward' });
    expect(endpoints.subsets?.flatMap((s) => s.addresses ?? [])).toHaveLength(2);
    const admission = scenario.cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const validating = await admission.readValidatingWebhookConfiguration({ name: 'mcp-header-forward' });
    const mutating = await admission.readMutatingWebhookConfiguration({ name: 'mcp-header-forward' });
    for (const webhook of [...(validating.webhooks ?? []), ...(mutating.webhooks ?? [])])
      expect(webhook.clientConfig.caBundle?.length ?? 0).toBeGreaterThan(100);
  });

  it('runs the pod the API server stored: mutated, the sidecar started first and Ready, vmcp Ready after it', () => {
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
    for (const [entry, header] of [
      ['secure-upstream', 'X-Api-Key'],
      ['plain-upstream', 'X-Plain-Key'],
    ] as const) {
      const name = secretEnvVarName(entry, header);
      expect(vmcpPod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!.env!.find((e) => e.name === name)).toEqual({
        name,
        value: sealedPlaceholder(name),
      });
      expect(vmcpPod.spec!.initContainers![0]!.env!.find((e) => e.name === name)?.valueFrom?.secretKeyRef?.name).toBe(
        'upstream-credentials',
      );
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
    const secure = await scenario.upstreamLog('secure-upstream');
    expect(secure.length).toBeGreaterThan(0);
    for (const request of secure) {
      expect(request.status).toBe('accepted');
      expect(request.headers['x-api-key']).toEqual([`sha256:${valueDigest(API_KEY)}`]);
      expect(request.headers['x-tenant']).toEqual(['acme']);
    }
    const plain = await scenario.upstreamLog('plain-upstream');
    expect(plain.length).toBeGreaterThan(0);
    for (const request of plain) expect(request.headers['x-plain-key']).toEqual([`sha256:${valueDigest(PLAIN_KEY)}`]);
    const bare = await scenario.upstreamLog('bare-upstream');
    expect(bare.length).toBeGreaterThan(0);
    for (const request of bare) {
      for (const header of ['x-api-key', 'x-plain-key', 'x-tenant']) expect(request.headers).not.toHaveProperty(header);
    }
  });

  it('never writes a Secret value into any log: sidecar, vmcp, webhook, upstreams', async () => {
    const pods = [
      ...(await scenario.core.listNamespacedPod({ namespace: NS })).items,
      ...(await scenario.core.listNamespacedPod({ namespace: INSTALL_NS })).items,
    ];
    let read = 0;
    for (const pod of pods) {
      for (const container of containersOf(pod)) {
        const text = await scenario.core
          .readNamespacedPodLog({ namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, container: container.name })
          .catch(() => '');
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
      const now = await scenario.core.readNamespacedPod({ namespace: NS, name: pod.metadata!.name! });
      const st = now.status?.initContainerStatuses?.find((c) => c.name === SIDECAR_CONTAINER_NAME);
      return st && st.restartCount > sidecarStatus.restartCount && st.ready && isReady(now) ? now : undefined;
    });
    expect(restarted.status!.containerStatuses!.find((c) => c.name === VMCP_CONTAINER_NAME)!.restartCount).toBe(0);
    client = await scenario.connectClient(pod.metadata!.name!);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const result = await client.callTool({
      name: tools.find((t) => t.startsWith('secure-upstream') && t.endsWith('echo'))!,
      arguments: { message: 'after a sidecar restart' },
    });
    expect(textOf(result)).toBe('secure-upstream: after a sidecar restart');
    expect(
      (await scenario.core.readNamespacedPodLog({ namespace: NS, name: pod.metadata!.name!, container: SIDECAR_CONTAINER_NAME })).length,
    ).toBeGreaterThan(0);
  });

  it('rolls the webhook (new sidecar settings, remediation on) while the vMCP Deployment scales up: every vMCP pod gets the sidecar, drifted ones are replaced', async () => {
    const before = new Set((await vmcpPods()).map((p) => p.metadata!.uid!));
    const patch = ['--remediate=evict', '--drift-interval=2000', '--remediate-rate=60', '--sidecar-memory-limit=160Mi'].map((value) => ({
      op: 'add',
      path: '/spec/template/spec/containers/0/args/-',
      value,
    }));
    await run(['patch', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--type=json', '-p', JSON.stringify(patch)]);
    await run(['patch', 'virtualmcpserver', VMCP, '-n', NS, '--type=merge', '-p', JSON.stringify({ spec: { replicas: 2 } })]);
    await waitFor(
      'the webhook rollout',
      async () => {
        const d = await scenario.apps.readNamespacedDeployment({ namespace: INSTALL_NS, name: 'mcp-header-forward' });
        return d.status?.observedGeneration === d.metadata?.generation &&
          d.status?.updatedReplicas === 2 &&
          d.status?.readyReplicas === 2 &&
          d.status?.replicas === 2
          ? true
          : undefined;
      },
      180_000,
    );
    const replaced = await waitFor(
      'two Ready vMCP pods, all new, with the new sidecar settings',
      async () => {
        const pods = await vmcpPods();
        const fresh = pods.filter((p) => !before.has(p.metadata!.uid!) && isReady(p));
        const limit = (p: V1Pod): string | undefined =>
          p.spec!.initContainers?.find((c) => c.name === SIDECAR_CONTAINER_NAME)?.resources?.limits?.memory;
        return pods.length === 2 && fresh.length === 2 && fresh.every((p) => limit(p) === '160Mi') ? fresh : undefined;
      },
      240_000,
    );
    expect(replaced.every((p) => p.spec!.initContainers![0]!.name === SIDECAR_CONTAINER_NAME)).toBe(true);
    const events = await scenario.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=FailedCreate' });
    expect(events.items.map((e) => e.message)).toEqual([]);
  });

  it('with the webhook down (failurePolicy Fail), a vMCP pod waits while other pods start; it comes back with the sidecar', async () => {
    await run(['scale', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--replicas=0']);
    await waitFor('no webhook endpoints', async () =>
      ((await scenario.core.readNamespacedEndpoints({ namespace: INSTALL_NS, name: 'mcp-header-forward' })).subsets?.flatMap(
        (x) => x.addresses ?? [],
      ).length ?? 0) === 0
        ? true
        : undefined,
    );
    const victim = (await vmcpPods())[0]!;
    await scenario.core.deleteNamespacedPod({ namespace: NS, name: victim.metadata!.name!, gracePeriodSeconds: 0 });
    await scenario.core.createNamespace({ body: { metadata: { name: 'team-b' } } });
    await scenario.core.createNamespacedPod({
      namespace: 'team-b',
      body: {
        metadata: { name: 'unrelated' },
        spec: {
          containers: [
            { name: 'app', image: node!.images.node, imagePullPolicy: 'Never', command: ['node', '-e', 'setInterval(() => {}, 1e6)'] },
          ],
        },
      },
    });
    await waitFor('the unrelated pod Running', async () =>
      (await scenario.core.readNamespacedPod({ namespace: 'team-b', name: 'unrelated' })).status?.phase === 'Running' ? true : undefined,
    );
    await waitFor('the ReplicaSet refused by the webhook (FailedCreate)', async () => {
      const events = await scenario.core.listNamespacedEvent({ namespace: NS, fieldSelector: 'reason=FailedCreate' });
      return events.items.some((e) => /failed calling webhook/.test(e.message ?? '')) ? true : undefined;
    });
    expect((await vmcpPods()).length).toBe(1);
    await run(['scale', 'deployment', 'mcp-header-forward', '-n', INSTALL_NS, '--replicas=2']);
    const back = await waitFor(
      'two Ready vMCP pods again',
      async () => {
        const pods = await vmcpPods();
        return pods.length === 2 && pods.every(isReady) ? pods : undefined;
      },
      240_000,
    );
    expect(back.every((p) => p.spec!.initContainers?.[0]?.name === SIDECAR_CONTAINER_NAME)).toBe(true);
    await scenario.core.deleteNamespace({ name: 'team-b' });
  });

  it("rotates the serving certificate with the CronJob's command while entries are applied: no request fails", async () => {
    const batch = scenario.cluster.admin.makeApiClient(BatchV1Api);
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
      ({
        apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
        kind: 'MCPServerEntry',
        metadata: { name: `rotation-${i}`, namespace: NS },
        spec: {
          remoteUrl: 'https://rotation.upstreams.test/mcp',
          transport: 'streamable-http',
          groupRef: { name: GROUP },
          headerForward: { addPlaintextHeaders: { 'X-Tenant': 'acme' } },
        },
      }) as KubernetesObject;
    const api = KubernetesObjectApi.makeApiClient(scenario.cluster.admin);
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        requests++;
        await api.create(entry(i), undefined, 'All').catch(() => failures++);
        await sleep(100);
      }
    })();
    await batch.createNamespacedJob({
      namespace: INSTALL_NS,
      body: { metadata: { name: 'certs-rotate-now' }, spec: { ...template, template: { ...template.template } } },
    });
    await waitFor('the rotation Job to complete', async () =>
      (await batch.readNamespacedJob({ namespace: INSTALL_NS, name: 'certs-rotate-now' })).status?.succeeded === 1 ? true : undefined,
    );
    await waitFor(
      'both webhook replicas to reload the new certificate',
      async () => {
        const pods = (
          await scenario.core.listNamespacedPod({ namespace: INSTALL_NS, labelSelector: 'app.kubernetes.io/component=webhook' })
        ).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
        const logs = await Promise.all(
          pods.map((p) => scenario.core.readNamespacedPodLog({ namespace: INSTALL_NS, name: p.metadata!.name! })),
        );
        return pods.length === 2 && logs.every((l) => l.includes('reloaded TLS certificate')) ? true : undefined;
      },
      180_000,
    );
    await sleep(2_000);
    stop = true;
    await load;
    expect(requests).toBeGreaterThan(20);
    expect(failures).toBe(0);
  });

  it('uninstalls as docs/install.md says, leaving nothing of ours behind', async () => {
    await run(['delete', 'validatingwebhookconfiguration,mutatingwebhookconfiguration', 'mcp-header-forward', '--ignore-not-found']);
    await run(['delete', '-k', OVERLAY, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    expect(await scenario.waitUninstalled()).toBe('');
  });
});
