import type { V1Pod } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from '../admission/review.js';
import { toAdmissionResponse } from '../admission/response.js';
import { ToolhiveIndex } from '../cluster/toolhiveIndex.js';
import { loadFixture } from '../../test/unit/webhook/mutateFixtures.js';
import { INJECTIONS_METRIC, mutateRoute } from './mutate.js';

const logger = pino({ level: 'silent' });
const fixture = loadFixture('basic-native');

function indexed(): ToolhiveIndex {
  const index = new ToolhiveIndex();
  for (const v of fixture.vmcps) index.upsertVmcp(v);
  for (const e of fixture.entries) index.upsertEntry(e);
  return index;
}

function podCreate(pod: V1Pod, namespace = 'tools'): AdmissionRequest {
  return {
    uid: 'u-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace,
    operation: 'CREATE',
    object: pod as unknown as Record<string, unknown>,
  };
}

function route(options: { synced?: boolean; labels?: Record<string, string>; registry?: Registry } = {}) {
  return mutateRoute({
    lookup: indexed(),
    synced: () => options.synced ?? true,
    settings: fixture.settings,
    namespaceLabels: { label: (_ns, key) => options.labels?.[key] },
    ...(options.registry ? { registry: options.registry } : {}),
  });
}

describe('POST /mutate', () => {
  it('answers a ReplicaSet pod (no namespace of its own) with a JSON patch that injects the sidecar', async () => {
    const verdict = await route().review(podCreate(fixture.pod), { logger });
    const response = toAdmissionResponse('u-1', verdict);
    expect(response.allowed).toBe(true);
    expect(response.patchType).toBe('JSONPatch');
    const patch = JSON.parse(Buffer.from(response.patch!, 'base64').toString('utf8')) as fastJsonPatch.Operation[];
    const pod = fastJsonPatch.applyPatch(structuredClone(fixture.pod), patch, true, false).newDocument;
    expect(pod.spec!.initContainers![0]!.name).toBe('header-forward-proxy');
  });

  it('sends no patch when reinvoked on its own output', async () => {
    const first = await route().review(podCreate(fixture.pod), { logger });
    const injected = fastJsonPatch.applyPatch(structuredClone(fixture.pod), first.patch!, true, false).newDocument;
    const second = await route().review(podCreate(injected), { logger });
    expect(second).toMatchObject({ allowed: true, mode: 'unchanged' });
    expect(toAdmissionResponse('u-2', second).patch).toBeUndefined();
  });

  it('allows without a patch in a namespace labelled inject=disabled', async () => {
    const verdict = await route({ labels: { 'mcp-header-forward.dev/inject': 'disabled' } }).review(podCreate(fixture.pod), { logger });
    expect(verdict).toEqual({ allowed: true, mode: 'skipped' });
  });

  it('ignores what is not a Pod CREATE', async () => {
    const update = { ...podCreate(fixture.pod), operation: 'UPDATE' as const };
    expect(await route().review(update, { logger })).toEqual({ allowed: true, mode: 'skipped' });
    const binding = { ...podCreate(fixture.pod), subResource: 'binding' };
    expect(await route().review(binding, { logger })).toEqual({ allowed: true, mode: 'skipped' });
  });

  it('refuses (fail closed) while the informers have not listed yet', async () => {
    const verdict = await route({ synced: false }).review(podCreate(fixture.pod), { logger });
    expect(verdict).toMatchObject({ allowed: false, code: 503 });
    expect(verdict.message).toMatch(/not yet loaded VirtualMCPServers and MCPServerEntries; pod tools\/gateway-7d9f8b6c5-\* is refused/);
  });

  it('refuses a pod whose proxy it cannot chain, naming the field and the fix', async () => {
    const pod = structuredClone(fixture.pod);
    pod.spec!.containers[0]!.env!.push({ name: 'HTTP_PROXY', valueFrom: { secretKeyRef: { name: 'p', key: 'url' } } });
    const verdict = await route().review(podCreate(pod), { logger });
    expect(verdict).toMatchObject({ allowed: false, code: 400 });
    expect(verdict.message).toMatch(/spec\.containers\[0\]: HTTP_PROXY is set with valueFrom.*set it as a literal value/);
  });

  it('counts outcomes', async () => {
    const registry = new Registry();
    await route({ registry }).review(podCreate(fixture.pod), { logger });
    await route({ registry, labels: { 'mcp-header-forward.dev/inject': 'disabled' } }).review(podCreate(fixture.pod), { logger });
    const text = await registry.getSingleMetricAsString(INJECTIONS_METRIC);
    expect(text).toContain(`${INJECTIONS_METRIC}{outcome="injected",reason=""} 1`);
    expect(text).toContain(`${INJECTIONS_METRIC}{outcome="skipped",reason="namespace-disabled"} 1`);
  });
});
