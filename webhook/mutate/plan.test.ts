import type { V1Container, V1Pod } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../../contract/envNames.js';
import { SIDECAR_CONTAINER_NAME, STATUS_ANNOTATION, VMCP_CONTAINER_NAME } from '../../contract/labels.js';
import { routeConfigSchema } from '../../contract/routes.js';
import { CA_KEY_DIR, CA_KEY_VOLUME_NAME } from '../../contract/sidecar.js';
import { contextFromObjects, injectPod } from './inject.js';
import { noProxyMatches, splitNoProxy } from '../../contract/noProxy.js';
import { patchFor } from './patch.js';
import { planPod } from './plan.js';
import { podRuleViolations } from './podRules.js';
import type { InjectSettings } from './settings.js';
import { loadFixture, TEST_SETTINGS } from '../../test/unit/webhook/mutateFixtures.js';
import { PlanError } from './vmcpContainer.js';

const INJECTED = [
  'basic-native',
  'container-mode',
  'env-from',
  'existing-proxy',
  'routed-svc',
  'ca-bundles',
  'other-containers',
  'stale-sidecar',
];

function fixture(name: string, settings?: InjectSettings) {
  const loaded = loadFixture(name);
  return { pod: loaded.pod, vmcp: loaded.vmcps[0]!, entries: loaded.entries, settings: settings ?? loaded.settings };
}

function planned(name: string, settings?: InjectSettings): V1Pod {
  const { pod, vmcp, entries, settings: s } = fixture(name, settings);
  return planPod(pod, { vmcp, entries, settings: s }).pod;
}

function sidecarOf(pod: V1Pod): V1Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].filter((c) => c.name === SIDECAR_CONTAINER_NAME);
}

function vmcpOf(pod: V1Pod): V1Container {
  return pod.spec!.containers.find((c) => c.name === VMCP_CONTAINER_NAME)!;
}

// A small seeded PRNG: shuffles differ per seed but every run tests the same orders.
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('planPod is deterministic', () => {
  it('gives the same patch bytes whatever order the cache returns entries in', () => {
    const { pod, vmcp, entries, settings } = fixture('ca-bundles');
    const reference = JSON.stringify(patchFor(pod, planPod(pod, { vmcp, entries, settings }).pod));
    for (let seed = 1; seed <= 40; seed++) {
      const plan = planPod(pod, { vmcp, entries: shuffled(entries, seed), settings });
      expect(JSON.stringify(patchFor(pod, plan.pod))).toBe(reference);
    }
  });

  it('sorts the sidecar env by name and the routes by entry', () => {
    const sidecar = sidecarOf(planned('basic-native'))[0]!;
    const names = sidecar.env!.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    const config = routeConfigSchema.parse(JSON.parse(sidecar.env!.find((e) => e.name === ROUTES_ENV_VAR)!.value!));
    expect(config.routes.map((r) => r.entry)).toEqual(['tools/analytics', 'tools/github']);
  });

  it('writes the same status hash for the same sidecar config, and another one when entries change', () => {
    const first = planned('basic-native').metadata!.annotations![STATUS_ANNOTATION];
    expect(planned('basic-native').metadata!.annotations![STATUS_ANNOTATION]).toBe(first);
    expect(planned('ca-bundles').metadata!.annotations![STATUS_ANNOTATION]).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('planPod is idempotent', () => {
  it.each(INJECTED)('%s: planning its own output (as stored: JSON and YAML round trip) gives an empty patch', (name) => {
    const { vmcp, entries, settings } = fixture(name);
    const once = planned(name);
    for (const stored of [JSON.parse(JSON.stringify(once)) as V1Pod, parse(stringify(once)) as V1Pod]) {
      const again = planPod(stored, { vmcp, entries, settings });
      expect(patchFor(stored, again.pod)).toEqual([]);
    }
  });

  it.each(['seal', 'ignore'] as const)(
    'toolhive-operator (--toolhive-forwarding %s): re-planning the stored pod gives an empty patch',
    (mode) => {
      const { vmcp, entries, settings } = fixture('toolhive-operator');
      const withMode = { ...settings, toolhiveForwarding: mode };
      const once = planned('toolhive-operator', withMode);
      for (const stored of [JSON.parse(JSON.stringify(once)) as V1Pod, parse(stringify(once)) as V1Pod]) {
        expect(patchFor(stored, planPod(stored, { vmcp, entries, settings: withMode }).pod)).toEqual([]);
      }
    },
  );

  it('seals a Secret the operator added to a pod already injected before it (a placeholder, once)', () => {
    const { vmcp, entries, settings } = fixture('toolhive-operator');
    const sealedOnce = planned('toolhive-operator', settings);
    const vmcpEnv = sealedOnce.spec!.containers[0]!.env!.filter((e) => e.name.startsWith('TOOLHIVE_SECRET_'));
    expect(vmcpEnv).toEqual([
      {
        name: 'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB',
        value: 'mcp-header-forward.dev/sealed:TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB',
      },
    ]);
    const again = planPod(sealedOnce, { vmcp, entries, settings });
    expect(again.sealedEnv).toEqual(['TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB']);
    expect(again.statusHash).toBe(sealedOnce.metadata!.annotations![STATUS_ANNOTATION]);
  });

  it('replaces a stale sidecar in place instead of adding a second one', () => {
    const stale = fixture('stale-sidecar').pod;
    const extra: V1Container = { name: 'after-sidecar', image: 'busybox:1.36' };
    stale.spec!.initContainers!.push(extra);
    const { vmcp, entries, settings } = fixture('stale-sidecar');
    const result = planPod(stale, { vmcp, entries, settings }).pod;
    expect(result.spec!.initContainers!.map((c) => c.name)).toEqual([SIDECAR_CONTAINER_NAME, 'after-sidecar']);
    expect(result.spec!.initContainers![0]).toEqual(sidecarOf(planned('basic-native'))[0]);
    expect(result.spec!.volumes!.filter((v) => v.name === 'mcp-header-forward-ca')).toHaveLength(1);
    expect(vmcpOf(result).env!.filter((e) => e.name === 'HTTP_PROXY')).toHaveLength(1);
  });

  it('moves the sidecar when the mode changes, never leaving two', () => {
    const asContainer = planned('basic-native', { ...TEST_SETTINGS, mode: 'container' });
    const { vmcp, entries, settings } = fixture('basic-native');
    const asNative = planPod(asContainer, { vmcp, entries, settings }).pod;
    expect(sidecarOf(asNative)).toHaveLength(1);
    expect(asNative.spec!.initContainers![0]!.name).toBe(SIDECAR_CONTAINER_NAME);
    expect(asNative.spec!.containers.map((c) => c.name)).toEqual([VMCP_CONTAINER_NAME]);
  });

  it('drops the CA bundle volume of an entry that went away', () => {
    const withBundles = planned('ca-bundles');
    const { vmcp, entries, settings } = fixture('basic-native');
    const after = planPod(withBundles, { vmcp, entries, settings }).pod;
    expect(after.spec!.volumes!.map((v) => v.name)).toEqual(['vmcp-config', 'mcp-header-forward-ca', 'mcp-header-forward-ca-key']);
    expect(sidecarOf(after)[0]!.volumeMounts!.map((m) => m.name)).toEqual(['mcp-header-forward-ca', 'mcp-header-forward-ca-key']);
  });

  it('adds the CA key volume to a pod injected before it existed, once', () => {
    const current = planned('basic-native');
    const older = structuredClone(current);
    older.spec!.volumes = older.spec!.volumes!.filter((v) => v.name !== CA_KEY_VOLUME_NAME);
    const oldSidecar = sidecarOf(older)[0]!;
    oldSidecar.volumeMounts = oldSidecar.volumeMounts!.filter((m) => m.name !== CA_KEY_VOLUME_NAME);
    oldSidecar.args = oldSidecar.args!.slice(0, oldSidecar.args!.indexOf('--ca-key-dir'));
    const { vmcp, entries, settings } = fixture('basic-native');
    const replanned = planPod(older, { vmcp, entries, settings }).pod;
    expect(replanned).toEqual(current);
    expect(patchFor(replanned, planPod(replanned, { vmcp, entries, settings }).pod)).toEqual([]);
  });
});

describe('planPod changes only what it owns', () => {
  it('leaves other containers, initContainers, volumes, labels and annotations as they were', () => {
    const { pod } = fixture('other-containers');
    const after = planned('other-containers');
    const { spec: before, metadata: metaBefore, ...restBefore } = pod;
    const { spec: now, metadata: metaNow, ...restNow } = after;
    expect(restNow).toEqual(restBefore);
    expect(now!.containers.filter((c) => c.name !== VMCP_CONTAINER_NAME)).toEqual(
      before!.containers.filter((c) => c.name !== VMCP_CONTAINER_NAME),
    );
    expect(now!.initContainers!.filter((c) => c.name !== SIDECAR_CONTAINER_NAME)).toEqual(before!.initContainers);
    expect(now!.volumes!.filter((v) => !v.name.startsWith('mcp-header-forward-'))).toEqual(before!.volumes);
    const { volumes: _v, containers: _c, initContainers: _i, ...otherSpecNow } = now!;
    const { volumes: _bv, containers: _bc, initContainers: _bi, ...otherSpecBefore } = before!;
    expect(otherSpecNow).toEqual(otherSpecBefore);
    const { [STATUS_ANNOTATION]: status, ...annotationsNow } = metaNow!.annotations!;
    expect(status).toBeDefined();
    expect({ ...metaNow, annotations: annotationsNow }).toEqual(metaBefore);
  });

  it('keeps the vmcp container apart from env and the CA mount exactly as it was', () => {
    const { pod } = fixture('basic-native');
    const { env: envBefore, volumeMounts: mountsBefore, ...before } = vmcpOf(pod);
    const { env: envNow, volumeMounts: mountsNow, ...now } = vmcpOf(planned('basic-native'));
    expect(now).toEqual(before);
    expect(envNow!.slice(0, envBefore!.length)).toEqual(envBefore);
    expect(mountsNow!.slice(0, mountsBefore!.length)).toEqual(mountsBefore);
  });

  it('produces a patch that turns the original into the plan', () => {
    for (const name of INJECTED) {
      const { pod, vmcp, entries, settings } = fixture(name);
      const plan = planPod(pod, { vmcp, entries, settings });
      const applied = fastJsonPatch.applyPatch(structuredClone(pod), patchFor(pod, plan.pod), true, false).newDocument;
      expect(applied).toEqual(plan.pod);
    }
  });
});

describe('least privilege and routing', () => {
  it.each(INJECTED)('%s: the vmcp container gets no secrets and no TOOLHIVE_ header-forward env', (name) => {
    const vmcp = vmcpOf(planned(name));
    for (const e of vmcp.env ?? []) {
      expect(e.name).not.toMatch(/^TOOLHIVE_(SECRET_)?HEADER_FORWARD/);
      expect(e.valueFrom?.secretKeyRef).toBeUndefined();
    }
    expect(vmcp.volumeMounts!.find((m) => m.name === 'mcp-header-forward-ca')!.readOnly).toBe(true);
  });

  it.each(INJECTED)('%s: the CA key volume is mounted into the sidecar and no other container', (name) => {
    const pod = planned(name);
    const mounting = [...(pod.spec!.initContainers ?? []), ...pod.spec!.containers].filter((c) =>
      (c.volumeMounts ?? []).some((m) => m.name === CA_KEY_VOLUME_NAME),
    );
    expect(mounting.map((c) => c.name)).toEqual([SIDECAR_CONTAINER_NAME]);
    const sidecar = sidecarOf(pod)[0]!;
    expect(sidecar.volumeMounts).toContainEqual({ name: CA_KEY_VOLUME_NAME, mountPath: CA_KEY_DIR });
    expect(sidecar.args!.slice(sidecar.args!.indexOf('--ca-key-dir'))).toEqual(['--ca-key-dir', CA_KEY_DIR]);
    expect(pod.spec!.volumes).toContainEqual({ name: CA_KEY_VOLUME_NAME, emptyDir: { medium: 'Memory', sizeLimit: '64Ki' } });
  });

  it('takes a CA key mount out of the vmcp container (the gateway must not read the key)', () => {
    const { pod, vmcp, entries, settings } = fixture('basic-native');
    const container = vmcpOf(pod);
    container.volumeMounts = [{ name: CA_KEY_VOLUME_NAME, mountPath: '/peek' }, ...(container.volumeMounts ?? [])];
    const after = vmcpOf(planPod(pod, { vmcp, entries, settings }).pod);
    expect(after.volumeMounts!.map((m) => m.name)).toEqual([
      ...(vmcpOf(fixture('basic-native').pod).volumeMounts ?? []).map((m) => m.name),
      'mcp-header-forward-ca',
    ]);
  });

  it.each(INJECTED)('%s: NO_PROXY never matches a routed host and always holds loopback and the API server', (name) => {
    const pod = planned(name);
    const config = routeConfigSchema.parse(JSON.parse(sidecarOf(pod)[0]!.env!.find((e) => e.name === ROUTES_ENV_VAR)!.value!));
    const env = Object.fromEntries(vmcpOf(pod).env!.map((e) => [e.name, e.value]));
    expect(env.NO_PROXY).toBe(env.no_proxy);
    const elements = splitNoProxy(env.NO_PROXY);
    expect(elements).toEqual([...new Set(elements)].sort());
    for (const route of config.routes) {
      const host = new URL(route.remoteUrl).hostname;
      expect(elements.filter((e) => noProxyMatches(e, host))).toEqual([]);
    }
    expect(elements).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1', '10.96.0.1', 'kubernetes.default.svc']));
    for (const proxy of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) expect(env[proxy]).toBe('http://127.0.0.1:15080');
    expect(env.SSL_CERT_DIR).toBe('/etc/ssl/certs:/var/run/mcp-header-forward/ca');
  });

  it('chains an existing proxy as the upstream and keeps it across re-planning', () => {
    const pod = planned('existing-proxy');
    const read = (p: V1Pod) =>
      routeConfigSchema.parse(JSON.parse(sidecarOf(p)[0]!.env!.find((e) => e.name === ROUTES_ENV_VAR)!.value!)).upstreamProxy;
    expect(read(pod)).toEqual({
      http: 'http://proxy.corp.example:3128',
      https: 'http://proxy.corp.example:3128',
      noProxy: 'internal.example.com,10.0.0.0/8,api.githubcopilot.com,localhost',
    });
    const { vmcp, entries, settings } = fixture('existing-proxy');
    expect(read(planPod(pod, { vmcp, entries, settings }).pod)).toEqual(read(pod));
  });

  it('refuses, naming the field, a proxy it cannot read', () => {
    const { pod, vmcp, entries, settings } = fixture('basic-native');
    vmcpOf(pod).env!.push({ name: 'HTTPS_PROXY', valueFrom: { configMapKeyRef: { name: 'proxy', key: 'url' } } });
    expect(() => planPod(pod, { vmcp, entries, settings })).toThrow(PlanError);
    expect(() => planPod(pod, { vmcp, entries, settings })).toThrow(/spec\.containers\[0\]: HTTPS_PROXY is set with valueFrom/);
  });
});

describe('the injected pod passes Kubernetes validation rules', () => {
  it.each(INJECTED)('%s', (name) => {
    expect(podRuleViolations(planned(name))).toEqual([]);
    expect(podRuleViolations(planned(name, { ...TEST_SETTINGS, mode: 'container' }))).toEqual([]);
  });

  it('catches what it claims to catch', () => {
    const pod = planned('basic-native');
    pod.spec!.volumes!.push({ name: 'Bad_Name', emptyDir: {} });
    pod.spec!.containers[0]!.env!.push({ name: '1BAD', value: 'x' });
    pod.spec!.containers.push({ name: SIDECAR_CONTAINER_NAME, image: 'x', ports: [{ containerPort: 70000 }] });
    expect(podRuleViolations(pod)).toEqual([
      'spec.volumes[3].name: "Bad_Name" is not a DNS label of at most 63 characters',
      'spec.containers[0].env[9].name: "1BAD" is not a C identifier',
      'spec.containers[1].name: "header-forward-proxy" is duplicated',
      'spec.containers[1].ports[0].containerPort: 70000 is not in 1-65535',
    ]);
  });
});

describe('the engine', () => {
  it('uses the AdmissionRequest namespace for a pod that has none', () => {
    const { pod, vmcps, entries } = loadFixture('basic-native');
    expect(pod.metadata!.namespace).toBeUndefined();
    const inNamespace = (namespace: string) =>
      injectPod(pod, contextFromObjects({ vmcps, entries }, { namespace, settings: TEST_SETTINGS }));
    expect(inNamespace('tools').patch).not.toEqual([]);
    expect(inNamespace('other').decision.reasons.map((r) => r.code)).toEqual(['vmcp-not-found']);
  });
});
