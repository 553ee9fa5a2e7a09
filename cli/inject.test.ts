import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { Command } from 'commander';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { planPod } from '../webhook/mutate/plan.js';
import { loadFixture } from '../webhook/mutate/testFixtures.js';
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

function run(args: string[], files: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const io: InjectIo = {
    readFile: (path) => files[path] ?? readFileSync(path, 'utf8'),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  };
  process.exitCode = undefined;
  const program = new Command().exitOverride().addCommand(injectCommand(io));
  program.parse(['node', 'mhf', 'inject', ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout, stderr };
}

const image = ['--sidecar-image', 'ghcr.io/example/mcp-header-forward:v0.1.0', '--api-server-host', '10.96.0.1,kubernetes.default.svc,kubernetes.default.svc.cluster.local'];

describe('mcp-header-forward inject', () => {
  it('prints the same patch as the webhook golden fixture for a pod', () => {
    const { code, stdout } = run(['-f', `${testdata}basic-native/pod.yaml`, '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools', '-o', 'patch', ...image]);
    expect(code).toBe(0);
    const golden = JSON.parse(readFileSync(`${testdata}basic-native/expected.golden.json`, 'utf8')) as { patch: unknown };
    expect(JSON.parse(stdout)).toEqual(golden.patch);
  });

  it('injects a Deployment template, passes other objects through, and the result is stable under re-injection', () => {
    const files = { 'deploy.yaml': DEPLOYMENT };
    const objects = `${testdata}basic-native/objects.yaml`;
    const first = run(['-f', 'deploy.yaml', '--objects', objects, ...image], files);
    expect(first.code).toBe(0);
    const docs = parseAllDocuments(first.stdout).map((d) => d.toJS() as { kind: string; spec: { template?: { spec: V1Pod['spec'] } } });
    expect(docs.map((d) => d.kind)).toEqual(['Deployment', 'Service']);
    expect(docs[0]!.spec.template!.spec!.initContainers![0]!.name).toBe('header-forward-proxy');
    const again = run(['-f', 'again.yaml', '--objects', objects, '-o', 'patch', ...image], { 'again.yaml': first.stdout });
    expect(JSON.parse(again.stdout)).toEqual([]);
  });

  it('writes patches of workloads at the template path', () => {
    const { stdout } = run(['-f', 'd.yaml', '--objects', `${testdata}basic-native/objects.yaml`, '-o', 'patch', ...image], { 'd.yaml': DEPLOYMENT });
    const paths = (JSON.parse(stdout) as { path: string }[]).map((op) => op.path);
    expect(paths.every((p) => p.startsWith('/spec/template/'))).toBe(true);
    expect(paths).toContain('/spec/template/spec/initContainers');
  });

  it('honours the sidecar flags', () => {
    const { stdout } = run([
      '-f', `${testdata}basic-native/pod.yaml`, '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools', '-o', 'json',
      '--sidecar-mode', 'container', '--sidecar-cpu-limit', '200m', '--sidecar-memory-request', '', ...image,
    ]);
    const pod = JSON.parse(stdout) as V1Pod;
    const sidecar = pod.spec!.containers.at(-1)!;
    expect(sidecar.name).toBe('header-forward-proxy');
    expect(sidecar.restartPolicy).toBeUndefined();
    expect(sidecar.resources).toEqual({ requests: { cpu: '10m' }, limits: { cpu: '200m', memory: '128Mi' } });
  });

  it('reads objects from a kubectl List (kubectl get ... -o yaml)', () => {
    const { vmcps, entries } = loadFixture('basic-native');
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...vmcps, ...entries] });
    const { code, stdout } = run(['-f', 'd.yaml', '--objects', 'list.json', '-o', 'patch', ...image], { 'd.yaml': DEPLOYMENT, 'list.json': list });
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { path: string }[]).map((op) => op.path)).toContain('/spec/template/spec/initContainers');
  });

  it('writes resource quantities in canonical form', () => {
    const { stdout } = run([
      '-f', `${testdata}basic-native/pod.yaml`, '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools', '-o', 'json',
      '--sidecar-cpu-request', '0.25', '--sidecar-memory-limit', '1024Mi', ...image,
    ]);
    const sidecar = (JSON.parse(stdout) as V1Pod).spec!.initContainers![0]!;
    expect(sidecar.resources).toEqual({ requests: { cpu: '250m', memory: '32Mi' }, limits: { memory: '1Gi' } });
  });

  it('says why a pod is not injected and prints it unchanged', () => {
    const { code, stdout, stderr } = run(['-f', `${testdata}opted-out/pod.yaml`, '--objects', `${testdata}opted-out/objects.yaml`, '-n', 'tools']);
    expect(code).toBe(0);
    expect(stderr).toContain('not injected: pod annotation mcp-header-forward.dev/inject="false" opts it out');
    expect(parse(stdout)).toEqual(loadFixture('opted-out').pod);
  });

  it('exits 2 naming the file when -f holds no pod, and 1 when the pod cannot be injected', () => {
    const none = run(['-f', 'svc.yaml'], { 'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n' });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('svc.yaml holds no Pod or workload with a pod template');
    const pod = loadFixture('basic-native').pod;
    pod.spec!.containers[0]!.env!.push({ name: 'NO_PROXY', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } });
    const bad = run(['-f', 'p.json', '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools'], { 'p.json': JSON.stringify(pod) });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cannot inject: spec\.containers\[0\]: NO_PROXY is set with valueFrom/);
  });

  it('refuses equal proxy and admin ports', () => {
    const { code, stderr } = run(['-f', `${testdata}basic-native/pod.yaml`, '--sidecar-proxy-port', '15090']);
    expect(code).toBe(2);
    expect(stderr).toContain('--sidecar-proxy-port and --sidecar-admin-port are both 15090');
  });

  it('matches planPod output exactly for -o json', () => {
    const { pod, vmcps, entries, settings } = loadFixture('basic-native');
    const { stdout } = run(['-f', `${testdata}basic-native/pod.yaml`, '--objects', `${testdata}basic-native/objects.yaml`, '-n', 'tools', '-o', 'json', ...image]);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(planPod(pod, { vmcp: vmcps[0]!, entries, settings }).pod)));
  });
});
