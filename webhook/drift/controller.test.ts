import type { V1Pod } from '@kubernetes/client-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { contextFromObjects, injectPod } from '../mutate/inject.js';
import { secretFacts } from '../validate/secretFacts.js';
import type { GetSecret } from '../validate/lookup.js';
import { loadFixture, TEST_NAMESPACE } from '../../test/unit/webhook/mutateFixtures.js';
import { createDriftController, type DriftCluster } from './controller.js';
import { createDriftMetrics } from './metrics.js';
import type { PodEvent } from './state.js';

// The loop over a fake cluster: findings reach the gauge and Events once; dry run evicts nothing.

const fx = loadFixture('basic-native');
const ctx = contextFromObjects({ vmcps: fx.vmcps, entries: fx.entries }, { namespace: TEST_NAMESPACE, settings: fx.settings });

const injected = injectPod(structuredClone(fx.pod), { ...ctx, secretBindings: new Map() }).plan!.pod;

function ownedPod(name: string, from: V1Pod = fx.pod): V1Pod {
  const pod = structuredClone(from);
  // As a kubelet reports it: the sidecar (when there is one) running since 10:00:00.
  pod.status = {
    initContainerStatuses: [
      {
        name: 'header-forward-proxy',
        image: 'i',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date('2026-11-27T10:00:00Z') } },
      },
    ],
  };
  pod.metadata = {
    ...pod.metadata,
    name,
    creationTimestamp: new Date('2026-11-27T10:00:00Z'),
    namespace: TEST_NAMESPACE,
    uid: `uid-${name}`,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }],
  };
  return pod;
}

function setup(
  dryRun: boolean,
  options: {
    pods?: V1Pod[];
    getSecret?: GetSecret;
    followSecrets?: boolean;
    now?: () => number;
    list?: () => Promise<V1Pod[]>;
    leading?: () => boolean;
  } = {},
) {
  const evicted: string[] = [];
  const events: PodEvent[] = [];
  const lines: string[] = [];
  const cluster: DriftCluster = {
    listVmcpPods: options.list ?? (() => Promise.resolve(options.pods ?? [ownedPod('a'), ownedPod('b')])),
    evict: (_ns, name) => {
      evicted.push(name);
      return Promise.resolve('evicted');
    },
  };
  const registry = new Registry();
  const controller = createDriftController({
    cluster,
    lookup: { vmcp: (ns, n) => ctx.findVmcp(ns, n), entries: (ns) => ctx.entriesIn(ns) },
    synced: () => true,
    namespaceLabels: { label: () => undefined, terminating: () => false } as never,
    settings: fx.settings,
    hostBinding: { getSecret: options.getSecret ?? (() => Promise.resolve({ status: 'not-found' })), requireHostBinding: false },
    remediate: 'evict',
    followSecrets: options.followSecrets ?? false,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.leading !== undefined ? { leading: options.leading } : {}),
    dryRun,
    evictionsPerMinute: 600,
    replacementTimeoutMs: 60_000,
    emit: (event) => {
      events.push(event);
      return Promise.resolve();
    },
    metrics: createDriftMetrics(registry),
    logger: pino({ level: 'debug' }, { write: (line: string) => lines.push(line) }),
  });
  return { controller, evicted, events, lines, registry };
}

describe('drift controller', () => {
  it('publishes missing pods once per change and evicts one, then waits for its replacement', async () => {
    const { controller, evicted, events, registry } = setup(false);
    await controller.pass();
    await controller.pass();
    expect(events.map((e) => `${e.pod.name}:${e.reason}`)).toEqual(['a:SidecarMissing', 'b:SidecarMissing']);
    expect(await registry.getSingleMetricAsString('mcp_header_forward_pods')).toContain('mcp_header_forward_pods{finding="missing"} 2');
    expect(evicted).toEqual(['a']);
  });

  it('dry run logs what it would evict, once, and evicts nothing', async () => {
    const { controller, evicted, lines } = setup(true);
    await controller.pass();
    await controller.pass();
    expect(evicted).toEqual([]);
    expect(lines.filter((l) => l.includes('would evict'))).toHaveLength(1);
  });

  it('--follow-secrets: data changed after the sidecar started makes injected pods stale; a label edit does not', async () => {
    let data = 'first-value';
    let resourceVersion = 1;
    const getSecret: GetSecret = (namespace, name) =>
      Promise.resolve({
        status: 'found',
        secret: secretFacts(
          {
            metadata: { name, namespace, resourceVersion: String(resourceVersion) },
            data: { token: Buffer.from(data).toString('base64') },
          },
          namespace,
        ),
      });
    const clock = { now: Date.parse('2026-11-27T11:00:00Z') };
    const { controller, evicted, events } = setup(false, {
      pods: [ownedPod('a', injected), ownedPod('b', injected)],
      getSecret,
      followSecrets: true,
      now: () => clock.now,
    });
    await controller.pass();
    expect([...controller.findings().values()]).toEqual(['ok', 'ok']);
    resourceVersion = 2; // a label edit: same data
    await controller.pass();
    expect([...controller.findings().values()]).toEqual(['ok', 'ok']);
    data = 'rotated-value';
    resourceVersion = 3;
    clock.now += 60_000;
    await controller.pass();
    expect([...controller.findings().values()]).toEqual(['stale', 'stale']);
    expect(events.map((e) => `${e.pod.name}:${e.reason}`)).toEqual(['a:SidecarStale', 'b:SidecarStale']);
    expect(events[0]!.message).toContain('data changed (resourceVersion 2 -> 3) at 2026-11-27T11:01:00Z');
    expect(evicted).toEqual(['a']);
  });

  it('without --follow-secrets a rotation is not a finding', async () => {
    let data = 'first-value';
    const getSecret: GetSecret = (namespace, name) =>
      Promise.resolve({
        status: 'found',
        secret: secretFacts(
          { metadata: { name, namespace, resourceVersion: data }, data: { token: Buffer.from(data).toString('base64') } },
          namespace,
        ),
      });
    const { controller, evicted } = setup(false, { pods: [ownedPod('a', injected)], getSecret });
    await controller.pass();
    data = 'rotated-value';
    await controller.pass();
    expect([...controller.findings().values()]).toEqual(['ok']);
    expect(evicted).toEqual([]);
  });

  it('a pass that outlives leadership (reset, or the Lease lost) publishes nothing and evicts nothing', async () => {
    let release: (pods: V1Pod[]) => void = () => undefined;
    const held = new Promise<V1Pod[]>((resolve) => (release = resolve));
    const { controller, evicted, events, registry } = setup(false, { list: () => held });
    const pass = controller.pass();
    controller.reset();
    release([ownedPod('a'), ownedPod('b')]);
    await pass;
    expect(events).toEqual([]);
    expect(evicted).toEqual([]);
    expect(controller.findings().size).toBe(0);
    expect(await registry.getSingleMetricAsString('mcp_header_forward_pods')).not.toContain('finding="missing"} 2');

    const leader = { leading: true };
    let releaseAgain: (pods: V1Pod[]) => void = () => undefined;
    const other = setup(false, { list: () => new Promise<V1Pod[]>((resolve) => (releaseAgain = resolve)), leading: () => leader.leading });
    const second = other.controller.pass();
    leader.leading = false;
    releaseAgain([ownedPod('a')]);
    await second;
    expect(other.events).toEqual([]);
    expect(other.evicted).toEqual([]);
  });
});
