import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { Command } from 'commander';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../contract/envNames.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../contract/labels.js';
import { planPod } from '../webhook/mutate/plan.js';
import { loadFixture } from '../test/unit/webhook/mutateFixtures.js';
import { injectCommand, type InjectIo } from './inject.js';

const testdata = new URL('../webhook/mutate/testdata/', import.meta.url).pathname;

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: tools}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: virtualmcpserver, app.kubernetes.io/instance: gateway}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: virtualmcpserver, app.kubernetes.io/instance: gateway}
    spec:
      containers: [{name: vmcp, image: ghcr.io/stacklok/toolhive/vmcp:v0.44.0}]
---
apiVersion: v1
kind: Service
metadata: {name: gateway, namespace: tools}
spec: {ports: [{port: 4483}]}
`;

async function run(args: string[], files: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: InjectIo = {
    readFile: (path) => files[path] ?? readFileSync(path, 'utf8'),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  };
  process.exitCode = undefined;
  const program = new Command().exitOverride().addCommand(injectCommand(io));
  await program.parseAsync(['node', 'mhf', 'inject', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

const image = [
  '--sidecar-image',
  'ghcr.io/example/mcp-header-forward:v0.1.0',
  '--api-server-host',
  '10.96.0.1,kubernetes.default.svc,kubernetes.default.svc.cluster.local',
];

describe('mcp-header-forward inject', () => {
  it('prints the same patch as the webhook golden fixture for a pod', async () => {
    const { code, stdout } = await run([
      '-f',
      `${testdata}basic-native/pod.yaml`,
      '--objects',
      `${testdata}basic-native/objects.yaml`,
      '-n',
      'tools',
      '-o',
      'patch',
      ...image,
    ]);
    expect(code).toBe(0);
    const golden = JSON.parse(readFileSync(`${testdata}basic-native/expected.golden.json`, 'utf8')) as { patch: unknown };
    expect(JSON.parse(stdout)).toEqual(golden.patch);
  });

  it('injects a Deployment template, passes other objects through, and the result is stable under re-injection', async () => {
    const files = { 'deploy.yaml': DEPLOYMENT };
    const objects = `${testdata}basic-native/objects.yaml`;
    const first = await run(['-f', 'deploy.yaml', '--objects', objects, ...image], files);
    expect(first.code).toBe(0);
    const docs = parseAllDocuments(first.stdout).map((d) => d.toJS() as { kind: string; spec: { template?: { spec: V1Pod['spec'] } } });
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service']);
    expect(docs[0]!.spec.template!.spec!.initContainers![0]!.name).toBe('header-forward-proxy');
    const again = await run(['-f', 'again.yaml', '--objects', objects, '-o', 'patch', ...image], { 'again.yaml': first.stdout });
    expect(JSON.parse(again.stdout)).toEqual([]);
  });

  it('writes patches of workloads at the template path', async () => {
    const { stdout } = await run(['-f', 'd.yaml', '--objects', `${testdata}basic-native/objects.yaml`, '-o', 'patch', ...image], {
      'd.yaml': DEPLOYMENT,
    });
    const paths = (JSON.parse(stdout) as { path: string }[]).map((op) => op.path);
    expect(paths.every((p) => p.startsWith('/spec/template/'))).toBe(true);
    expect(paths).toContain('/spec/template/spec/initContainers');
  });

  it('honours the sidecar flags', async () => {
    const { stdout } = await run([
      '-f',
      `${testdata}basic-native/pod.yaml`,
      '--objects',
      `${testdata}basic-native/objects.yaml`,
      '-n',
      'tools',
      '-o',
      'json',
      '--sidecar-mode',
      'container',
      '--sidecar-cpu-limit',
      '200m',
      '--sidecar-memory-request',
      '',
      '--sidecar-max-intercepted-connections',
      '64',
      ...image,
    ]);
    const pod = JSON.parse(stdout) as V1Pod;
    const sidecar = pod.spec!.containers.at(-1)!;
    expect(sidecar.name).toBe('header-forward-proxy');
    expect(sidecar.restartPolicy).toBeUndefined();
    expect(sidecar.resources).toEqual({ requests: { cpu: '10m' }, limits: { cpu: '200m', memory: '192Mi' } });
    expect(sidecar.args?.slice(-2)).toEqual(['--max-intercepted-connections', '64']);
  });

  it('reads objects from a kubectl List (kubectl get ... -o yaml)', async () => {
    const { vmcps, entries } = loadFixture('basic-native');
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...vmcps, ...entries] });
    const { code, stdout } = await run(['-f', 'd.yaml', '--objects', 'list.json', '-o', 'patch', ...image], {
      'd.yaml': DEPLOYMENT,
      'list.json': list,
    });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { path: string }[]).map((op) => op.path)).toContain('/spec/template/spec/initContainers');
  });

  it('writes resource quantities in canonical form', async () => {
    const { stdout } = await run([
      '-f',
      `${testdata}basic-native/pod.yaml`,
      '--objects',
      `${testdata}basic-native/objects.yaml`,
      '-n',
      'tools',
      '-o',
      'json',
      '--sidecar-cpu-request',
      '0.25',
      '--sidecar-memory-limit',
      '1024Mi',
      ...image,
    ]);
    const sidecar = (JSON.parse(stdout) as V1Pod).spec!.initContainers![0]!;
    expect(sidecar.resources).toEqual({ requests: { cpu: '250m', memory: '32Mi' }, limits: { memory: '1Gi' } });
  });

  it('says why a pod is not injected and prints it unchanged', async () => {
    const { code, stdout, stderr } = await run([
      '-f',
      `${testdata}opted-out/pod.yaml`,
      '--objects',
      `${testdata}opted-out/objects.yaml`,
      '-n',
      'tools',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain('not injected: pod annotation mcp-header-forward.dev/inject="false" opts it out');
    expect(parse(stdout)).toEqual(loadFixture('opted-out').pod);
  });

  it('exits 2 naming the file when -f holds no pod, and 1 when the pod cannot be injected', async () => {
    const none = await run(['-f', 'svc.yaml'], { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('svc.yaml holds no Pod or workload with a pod template');
    const pod = loadFixture('basic-native').pod;
    pod.spec!.containers[0]!.env!.push({ name: 'NO_PROXY', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } });
    const bad = await run(['-f', 'p.json', '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools'], {
      'p.json': JSON.stringify(pod),
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot inject: spec\.containers\[0\]: NO_PROXY is set with valueFrom/);
  });

  it('refuses equal proxy and admin ports', async () => {
    const { code, stderr } = await run(['-f', `${testdata}basic-native/pod.yaml`, '--sidecar-proxy-port', '15090']);
    expect(code).toBe(2);
    expect(stderr).toContain('--sidecar-proxy-port and --sidecar-admin-port are both 15090');
  });

  it('matches planPod output exactly for -o json', async () => {
    const { pod, vmcps, entries, settings } = loadFixture('basic-native');
    const { stdout } = await run([
      '-f',
      `${testdata}basic-native/pod.yaml`,
      '--objects',
      `${testdata}basic-native/objects.yaml`,
      '-n',
      'tools',
      '-o',
      'json',
      ...image,
    ]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(planPod(pod, { vmcp: vmcps[0]!, entries, settings }).pod)));
  });
});

describe('mcp-header-forward inject: host binding from the Secrets in the files', () => {
  // github-token is bound to the github entry's host; analytics carries no annotation.
  const SECRETS = `
apiVersion: v1
kind: Secret
metadata: {name: github-token, namespace: tools, annotations: {${ALLOWED_HOSTS_ANNOTATION}: api.githubcopilot.com}}
data: {header: c2VudGluZWwtbmV2ZXItcHJpbnRlZA==}
---
apiVersion: v1
kind: Secret
metadata: {name: analytics, namespace: tools}
`;
  const base = ['-f', `${testdata}basic-native/pod.yaml`, '-n', 'tools', '-o', 'json', ...image];
  const objects = `${testdata}basic-native/objects.yaml`;

  interface Route {
    entry: string;
    allowedHosts?: Record<string, string[]>;
  }
  function routesOf(stdout: string): Route[] {
    const pod = JSON.parse(stdout) as V1Pod;
    const sidecar = [...(pod.spec!.initContainers ?? []), ...pod.spec!.containers].find((c) => c.name === 'header-forward-proxy')!;
    const value = sidecar.env!.find((e) => e.name === ROUTES_ENV_VAR)!.value!;
    return (JSON.parse(value) as { routes: Route[] }).routes;
  }

  it("without --require-host-binding: copies an annotated Secret's hosts into its route, as the webhook does; unannotated ones stay unbound", async () => {
    const { code, stdout, stderr } = await run([...base, '--objects', objects, 'secrets.yaml'], { 'secrets.yaml': SECRETS });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(routesOf(stdout).map((r) => [r.entry, r.allowedHosts])).toEqual([
      ['tools/analytics', undefined],
      ['tools/github', { Authorization: ['api.githubcopilot.com'] }],
    ]);
    expect(stdout).not.toContain('c2VudGluZWwtbmV2ZXItcHJpbnRlZA==');
  });

  it('with --require-host-binding: leaves out the route whose Secret has no annotation, with a warning', async () => {
    const { code, stdout, stderr } = await run([...base, '--objects', objects, 'secrets.yaml', '--require-host-binding'], {
      'secrets.yaml': SECRETS,
    });
    expect(code).toBe(0);
    expect(stderr).toContain(
      `warning: MCPServerEntry tools/analytics skipped: spec.remoteUrl host mcp.analytics.example.com is not allowed by the ${ALLOWED_HOSTS_ANNOTATION} annotation`,
    );
    expect(routesOf(stdout).map((r) => r.entry)).toEqual(['tools/github']);
  });

  it('Secrets in -f count too', async () => {
    const pod = readFileSync(`${testdata}basic-native/pod.yaml`, 'utf8');
    const { code, stdout } = await run(
      ['-f', 'all.yaml', '-n', 'tools', '-o', 'json', ...image, '--objects', objects, '--require-host-binding'],
      { 'all.yaml': `${pod}\n---\n${SECRETS}` },
    );
    expect(code).toBe(0);
    const pods = (JSON.parse(stdout) as { items: V1Pod[] }).items.filter((o) => o.kind === 'Pod');
    expect(routesOf(JSON.stringify(pods[0])).map((r) => r.entry)).toEqual(['tools/github']);
  });

  it('with --require-host-binding and a referenced Secret not in the files: refuses the pod (exit 1) and says what to add', async () => {
    const { code, stdout, stderr } = await run([...base, '--objects', objects, '--require-host-binding']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'cannot inject: --require-host-binding needs the allowed-hosts annotation of Secrets "analytics", "github-token" in namespace "tools": add them (metadata is enough) to --objects or -f',
    );
  });

  it("exits 2 naming the file when a Secret's annotations are not strings", async () => {
    const { code, stderr } = await run([...base, '--objects', objects, 'bad.yaml'], {
      'bad.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, annotations: {a: [1]}}\n',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('bad.yaml: Secret s: metadata.annotations must map keys to strings');
  });

  it("without --require-host-binding and no Secrets given: the webhook fixture's output, unchanged", async () => {
    const { code, stdout } = await run([...base, '--objects', objects]);
    expect(code).toBe(0);
    expect(routesOf(stdout).every((r) => r.allowedHosts === undefined)).toBe(true);
  });
});
