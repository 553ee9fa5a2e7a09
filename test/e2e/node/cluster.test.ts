import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Cluster } from '../harness/cluster.js';
import { NODE_NETWORK, verifyLocal } from './network.js';
import { realNode } from './realNode.js';

// The node itself: Ready, confined to this machine, and running a pod the way the injected sidecar will need.
const node = realNode();
const NS = 'node-basics';

async function waitForPod(core: CoreV1Api, name: string, ok: (pod: V1Pod) => boolean, timeoutMs = 90_000): Promise<V1Pod> {
  const deadline = Date.now() + timeoutMs;
  let last: V1Pod | undefined;
  while (Date.now() < deadline) {
    last = await core.readNamespacedPod({ namespace: NS, name }).catch(() => undefined);
    if (last && ok(last)) return last;
    await sleep(500);
  }
  throw new Error(`pod ${NS}/${name} not as expected after ${timeoutMs} ms: ${JSON.stringify(last?.status ?? {})}`);
}

describe.skipIf(node === undefined)('the real node', () => {
  let cluster: Cluster;
  let core: CoreV1Api;

  beforeAll(async () => {
    cluster = connect(node!);
    core = cluster.admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'creds' }, stringData: { token: 'node-e2e-token' } } });
  });

  afterAll(async () => {
    await core?.deleteNamespace({ name: NS }).catch(() => undefined);
  });

  it('keeps every cluster address on this machine (routes checked)', async () => {
    const checks = await verifyLocal();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('is Ready, at its address inside its own network namespace', async () => {
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual([node!.nodeName]);
    expect(nodes.items[0]!.status?.addresses).toEqual(expect.arrayContaining([{ type: 'InternalIP', address: NODE_NETWORK.nodeAddress }]));
  });

  it('runs a pod: native sidecar before the main container, secretKeyRef env, memory emptyDir, startupProbe', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'basics' },
        spec: {
          initContainers: [
            {
              name: 'side',
              image: node!.images.node,
              imagePullPolicy: 'Never',
              restartPolicy: 'Always',
              command: ['node', '-e', "require('node:http').createServer((q, s) => s.end(process.env.TOKEN)).listen(9000)"],
              env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } }],
              startupProbe: { tcpSocket: { port: 9000 }, periodSeconds: 1, failureThreshold: 30 },
              volumeMounts: [{ name: 'mem', mountPath: '/mem' }],
            },
          ],
          containers: [
            {
              name: 'main',
              image: node!.images.node,
              imagePullPolicy: 'Never',
              command: [
                'node',
                '-e',
                "fetch('http://127.0.0.1:9000').then((r) => r.text()).then((t) => { console.log('got ' + t); setInterval(() => {}, 1e6); })",
              ],
            },
          ],
          volumes: [{ name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
        },
      },
    });
    const pod = await waitForPod(
      core,
      'basics',
      (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    );
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\./);
    const log = await waitFor(async () => {
      const text = await core.readNamespacedPodLog({ namespace: NS, name: 'basics', container: 'main' });
      return text.includes('got ') ? text : undefined;
    });
    expect(log).toContain('got node-e2e-token');
  });
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs} ms`);
}
