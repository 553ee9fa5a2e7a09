import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceDnsNames } from '../../certs/serving.js';
import { MIN_KUBERNETES_VERSION } from '../../contract/compatibility.js';
import {
  ALWAYS_EXCLUDED_NAMESPACES,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '../../webhook/registrations/webhookConfigurations.js';
import { resolveHelm } from './harness/helmBinary.js';
import { CLI_ENTRY } from './harness/paths.js';
import { helmTemplate, helmTemplateArgs, runHelm, withoutHelmLabels } from './install/helm.js';
import { kubectl, only, type KubeObject } from './install/render.js';

// What each value changes, checked against the code the values stand for (webhook registrations, the certs
// CLI's DNS names, the webhook's flags), and a release with every value changed passes the server's dry run.

const info = inject('controlPlane');
const run = promisify(execFile);
const NAMESPACE = 'mhf-helm-values';
let helm: string;

interface Container {
  name: string;
  image: string;
  imagePullPolicy: string;
  args: string[];
  resources: unknown;
}
interface PodSpec {
  containers: Container[];
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  imagePullSecrets?: { name: string }[];
}
const podSpec = (o: KubeObject): PodSpec => (o['spec'] as { template: { spec: PodSpec } }).template.spec;
const flagValues = (args: string[], name: string): string[] =>
  args.filter((a) => a.startsWith(`${name}=`)).map((a) => a.slice(name.length + 1));
const withoutMetadataExtras = (o: KubeObject): KubeObject => ({
  ...withoutHelmLabels(o),
  metadata: { ...o.metadata, labels: withoutHelmLabels(o).metadata.labels, annotations: undefined },
});

const CHANGED: Record<string, string> = {
  'image.repository': 'registry.example/mhf',
  'image.tag': '9.9.9',
  'image.pullPolicy': 'Always',
  'imagePullSecrets[0].name': 'regcred',
  replicaCount: '3',
  mode: 'audit',
  logLevel: 'debug',
  'webhook.failurePolicy': 'Ignore',
  'webhook.extraArgs[0]': '--remediate=evict',
  'namespaces.excluded[0]': 'team-a',
  'namespaces.excluded[1]': 'team-b',
  'certificates.selfSigned.days': '90',
  'certificates.selfSigned.renewBeforeDays': '20',
  'certificates.selfSigned.schedule': '0 1 * * *',
  'certificates.selfSigned.resources.limits.memory': '100Mi',
  'resources.requests.cpu': '200m',
  priorityClassName: 'system-cluster-critical',
  'nodeSelector.kubernetes\\.io/os': 'linux',
  'tolerations[0].operator': 'Exists',
  'sidecar.image.tag': '9.9.8',
};
let changed: KubeObject[];

beforeAll(async () => {
  helm = (await resolveHelm({ log: (line) => void process.stderr.write(`[helm] ${line}\n`) })).path;
  changed = (await helmTemplate(helm, { namespace: NAMESPACE, set: CHANGED })).objects;
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['create', 'namespace', NAMESPACE]);
});

afterAll(async () => {
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=false']);
});

describe('a release with every value changed', () => {
  it('registers the webhooks webhook/registrations builds for that namespace, policy and exclusions', () => {
    const options = { namespace: NAMESPACE, failurePolicy: 'Ignore' as const, excludedNamespaces: ['team-a', 'team-b'] };
    expect(withoutMetadataExtras(only(changed, 'ValidatingWebhookConfiguration'))).toEqual(
      withoutMetadataExtras(validatingWebhookConfiguration(options) as unknown as KubeObject),
    );
    expect(withoutMetadataExtras(only(changed, 'MutatingWebhookConfiguration'))).toEqual(
      withoutMetadataExtras(mutatingWebhookConfiguration(options) as unknown as KubeObject),
    );
  });

  it('runs the webhook with those values, excluding the same namespaces as the injection webhook', () => {
    const deployment = only(changed, 'Deployment');
    const spec = podSpec(deployment);
    const webhook = spec.containers[0]!;
    expect((deployment['spec'] as { replicas: number }).replicas).toBe(3);
    expect(webhook.image).toBe('registry.example/mhf:9.9.9');
    expect(webhook.imagePullPolicy).toBe('Always');
    expect(flagValues(webhook.args, '--sidecar-image')).toEqual(['registry.example/mhf:9.9.8']);
    expect(flagValues(webhook.args, '--mode')).toEqual(['audit']);
    expect(flagValues(webhook.args, '--log-level')).toEqual(['debug']);
    expect(flagValues(webhook.args, '--exclude-namespace')).toEqual([...ALWAYS_EXCLUDED_NAMESPACES, 'team-a', 'team-b']);
    expect(webhook.args.at(-1)).toBe('--remediate=evict');
    expect(webhook.resources).toEqual({ requests: { cpu: '200m', memory: '96Mi' }, limits: { memory: '256Mi' } });
    expect(spec).toMatchObject({
      priorityClassName: 'system-cluster-critical',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ operator: 'Exists' }],
      imagePullSecrets: [{ name: 'regcred' }],
    });
  });

  it('passes the webhook only flags `mcp-header-forward webhook` accepts', async () => {
    const { stdout: help } = await run(process.execPath, [CLI_ENTRY, 'webhook', '--help']);
    const flags = podSpec(only(changed, 'Deployment'))
      .containers[0]!.args.slice(1)
      .map((arg) => arg.split('=')[0]!);
    expect(flags.filter((flag) => !help.includes(`${flag} `))).toEqual([]);
  });

  it('runs the certs Job and CronJob with the same pod, for this namespace and validity', () => {
    const job = only(changed, 'Job');
    const cron = only(changed, 'CronJob')['spec'] as { schedule: string; jobTemplate: { spec: { template: unknown } } };
    expect(cron.jobTemplate.spec.template).toEqual((job['spec'] as { template: unknown }).template);
    expect(cron.schedule).toBe('0 1 * * *');
    const certs = podSpec(job).containers[0]!;
    expect(certs.image).toBe('registry.example/mhf:9.9.9');
    expect(flagValues(certs.args, '--namespace')).toEqual([NAMESPACE]);
    expect(flagValues(certs.args, '--days')).toEqual(['90']);
    expect(flagValues(certs.args, '--renew-before-days')).toEqual(['20']);
    expect(certs.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '100Mi' } });
  });

  it('passes kubectl apply --dry-run=server in its own namespace without warnings', async () => {
    const { stdout, stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      changed.map((o) => JSON.stringify(o)).join('\n---\n'),
    );
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(changed.length);
  });
});

describe('certificates.source=cert-manager', () => {
  it('issues the serving cert for the Service names in the release namespace and injects its CA', async () => {
    const { objects } = await helmTemplate(helm, { namespace: NAMESPACE, set: { 'certificates.source': 'cert-manager' } });
    const serving = only(objects, 'Certificate', 'mcp-header-forward-serving')['spec'] as { dnsNames: string[]; commonName: string };
    expect(serving.dnsNames).toEqual(serviceDnsNames({ service: 'mcp-header-forward', namespace: NAMESPACE }));
    expect(serving.dnsNames).toContain(serving.commonName);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'])
      expect(only(objects, kind).metadata.annotations).toEqual({
        'cert-manager.io/inject-ca-from': `${NAMESPACE}/mcp-header-forward-serving`,
      });
    expect(objects.filter((o) => ['Job', 'CronJob'].includes(o.kind))).toEqual([]);
  });
});

describe('helm upgrade', () => {
  it('renders a certs Job of its own per revision: a Job pod template is immutable', async () => {
    const install = await helmTemplate(helm);
    const upgrade = await helmTemplate(helm, { extraArgs: ['--is-upgrade'] });
    expect(only(install.objects, 'Job').metadata.name).toBe('mcp-header-forward-certs');
    expect(only(upgrade.objects, 'Job').metadata.name).toMatch(/^mcp-header-forward-certs-\d+$/);
  });
});

describe('kubeVersion', () => {
  it(`refuses a cluster older than the oldest one check accepts (${MIN_KUBERNETES_VERSION})`, async () => {
    const older = await runHelm(helm, helmTemplateArgs({ extraArgs: ['--kube-version', 'v1.27.9'] }));
    expect(older.stderr).toContain('chart requires kubeVersion: >=1.28.0-0');
    expect((await runHelm(helm, helmTemplateArgs({ extraArgs: ['--kube-version', MIN_KUBERNETES_VERSION] }))).code).toBe(0);
  });
});

describe('values the chart refuses', () => {
  it.each([
    [{ mode: 'block' }, "at '/mode': value must be one of 'enforce', 'warn', 'audit'"],
    [{ 'webhook.failurePolicy': 'fail' }, "at '/webhook/failurePolicy': value must be one of 'Fail', 'Ignore'"],
    [{ replicas: '3' }, "additional properties 'replicas' not allowed"],
    [{ 'certificates.source': 'vault' }, "at '/certificates/source'"],
    [{ 'webhook.extraArgs[0]': 'remediate' }, "at '/webhook/extraArgs/0'"],
    [{ 'metrics.serviceMonitor': 'true' }, "at '/metrics/serviceMonitor'"],
  ])('%j: %s', async (set, message) => {
    const result = await runHelm(helm, helmTemplateArgs({ set }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });
});
