import type { V1Pod } from '@kubernetes/client-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { contextFromObjects } from '../mutate/inject.js';
import { loadFixture, TEST_NAMESPACE } from '../mutate/testFixtures.js';
import { createDriftController, type DriftCluster } from './controller.js';
import { createDriftMetrics } from './metrics.js';
import type { PodEvent } from './state.js';

// The loop over a fake cluster: findings reach the gauge and Events once; dry run evicts nothing.

const fx = loadFixture('basic-native');
const ctx = contextFromObjects({ vmcps: fx.vmcps, entries: fx.entries }, { namespace: TEST_NAMESPACE, settings: fx.settings });

function ownedPod(name: string): V1Pod {
  const pod = structuredClone(fx.pod);
  pod.metadata = { ...pod.metadata, name, namespace: TEST_NAMESPACE, uid: `uid-${name}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }] };
  return pod;
}

function setup(dryRun: boolean) {
  const evicted: string[] = [];
  const events: PodEvent[] = [];
  const lines: string[] = [];
  const cluster: DriftCluster = {
    listVmcpPods: () => Promise.resolve([ownedPod('a'), ownedPod('b')]),
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
    hostBinding: { getSecret: () => Promise.resolve({ status: 'not-found' }), requireHostBinding: false } as never,
    remediate: 'evict',
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
});
