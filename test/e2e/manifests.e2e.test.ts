import { beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceDnsNames } from '../../certs/serving.js';
import { readFileSync } from 'node:fs';
import { HEALTHZ_PATH, READYZ_PATH } from '../../contract/sidecar.js';
import { IMAGE_REPOSITORY } from '../../webhook/mutate/settings.js';
import {
  DEFAULT_NAMESPACE,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '../../webhook/registrations/webhookConfigurations.js';
import {
  MANIFESTS_DIR,
  OVERLAYS,
  kubectl,
  kustomize,
  kustomizeWithComponent,
  only,
  type KubeObject,
  type Overlay,
} from './install/render.js';

// Every overlay renders, passes the real API server's server-side dry run (schema, defaulting, admission incl.
// Pod Security "restricted"), and keeps the facts the code relies on: webhook rules, ports, probes, Secret names.

const info = inject('controlPlane');
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const rendered = {} as Record<Overlay, KubeObject[]>;
const yamlOf = (objects: KubeObject[]): string => objects.map((o) => JSON.stringify(o)).join('\n---\n');
const isCertManager = (o: KubeObject): boolean => o.apiVersion.startsWith('cert-manager.io/');

interface Container {
  name: string;
  image: string;
  args: string[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string; scheme: string } };
  livenessProbe?: { httpGet: { path: string; port: string; scheme: string } };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; secret?: { secretName: string } }[];
  serviceAccountName?: string;
}
const podSpec = (o: KubeObject): PodSpec => (o['spec'] as { template: { spec: PodSpec } }).template.spec;
const webhookContainer = (objects: KubeObject[]): Container => podSpec(only(objects, 'Deployment')).containers[0]!;
const flag = (args: string[], name: string): string | undefined => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const portOf = (container: Container, name: string): number => Number(flag(container.args, name)?.split(':').at(-1));

beforeAll(async () => {
  for (const overlay of OVERLAYS) rendered[overlay] = (await kustomize(info.kubectlPath, `${MANIFESTS_DIR}overlays/${overlay}`)).objects;
  // Dry-run cannot create the namespace the other objects live in: create it for real (idempotent).
  const namespace = only(rendered['self-signed'], 'Namespace');
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['apply', '-f', '-'], JSON.stringify(namespace));
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('passes kubectl apply --dry-run=server without Pod Security warnings', async () => {
    const objects = rendered[overlay].filter((o) => o.kind !== 'Namespace' && !isCertManager(o));
    const { stdout, stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      yamlOf(objects),
    );
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(objects.length);
    // created on a fresh API server; configured/unchanged on a cluster where run.sh installed it already.
    expect(stdout).toMatch(/deployment\.apps\/mcp-header-forward (created|configured|unchanged) \(server dry run\)/);
  });

  it('registers exactly the webhooks webhook/registrations generates', () => {
    const strip = (o: KubeObject): KubeObject => ({ ...o, metadata: { ...o.metadata, annotations: undefined } }) as KubeObject;
    expect(strip(only(rendered[overlay], 'ValidatingWebhookConfiguration'))).toEqual({
      ...validatingWebhookConfiguration(),
      metadata: { ...validatingWebhookConfiguration().metadata, annotations: undefined },
    });
    expect(strip(only(rendered[overlay], 'MutatingWebhookConfiguration'))).toEqual({
      ...mutatingWebhookConfiguration(),
      metadata: { ...mutatingWebhookConfiguration().metadata, annotations: undefined },
    });
  });

  it("gives the injected sidecar the same image as the webhook: this release's image", () => {
    const container = webhookContainer(rendered[overlay]);
    expect(flag(container.args, '--sidecar-image')).toBe(container.image);
    expect(container.image).toBe(`${IMAGE_REPOSITORY}:${version}`);
    // The replacement targets an argument by index: it must land on --sidecar-image and nowhere else.
    expect(container.args.filter((arg) => arg.includes(container.image))).toEqual([`--sidecar-image=${container.image}`]);
  });

  it('serves HTTPS and metrics on the ports the Service targets, with probes on the TLS port', () => {
    const container = webhookContainer(rendered[overlay]);
    expect(container.ports).toEqual([
      { name: 'https', containerPort: portOf(container, '--listen'), protocol: 'TCP' },
      { name: 'metrics', containerPort: portOf(container, '--metrics-listen'), protocol: 'TCP' },
    ]);
    const service = only(rendered[overlay], 'Service')['spec'] as { ports: { port: number; targetPort: string }[] };
    expect(service.ports).toEqual([
      { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
      { name: 'metrics', port: portOf(container, '--metrics-listen'), targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(container.readinessProbe?.httpGet).toEqual({ path: READYZ_PATH, port: 'https', scheme: 'HTTPS' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: HEALTHZ_PATH, port: 'https', scheme: 'HTTPS' });
  });

  it('reads its serving cert from the Secret the overlay fills', () => {
    const spec = podSpec(only(rendered[overlay], 'Deployment'));
    const mount = spec.containers[0]!.volumeMounts!.find((m) => m.name === 'tls')!;
    expect(flag(spec.containers[0]!.args, '--tls-cert-file')).toBe(`${mount.mountPath}/tls.crt`);
    expect(flag(spec.containers[0]!.args, '--tls-key-file')).toBe(`${mount.mountPath}/tls.key`);
    const secretName = spec.volumes!.find((v) => v.name === 'tls')!.secret!.secretName;
    const filledBy =
      overlay === 'cert-manager'
        ? (only(rendered[overlay], 'Certificate', 'mcp-header-forward-serving')['spec'] as { secretName: string }).secretName
        : flag(podSpec(only(rendered[overlay], 'Job')).containers[0]!.args, '--secret-name');
    expect(filledBy).toBe(secretName);
  });
});

describe('the webhook Deployment', () => {
  const deployment = (): KubeObject => only(rendered['self-signed'], 'Deployment');

  it('would be flagged by Pod Security without its securityContext (so the dry run above can fail)', async () => {
    const original = deployment();
    const spec = structuredClone(podSpec(original));
    delete spec.securityContext;
    for (const container of spec.containers) delete container.securityContext;
    const insecure = {
      ...original,
      spec: { ...(original['spec'] as object), template: { ...(original['spec'] as { template: object }).template, spec } },
    };
    const { stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      JSON.stringify(insecure),
    );
    expect(stderr).toMatch(/would violate PodSecurity "restricted:latest".*allowPrivilegeEscalation != false/);
  });

  it('runs two replicas spread across nodes, kept up by a PodDisruptionBudget', () => {
    const spec = deployment()['spec'] as {
      replicas: number;
      template: { metadata: { labels: Record<string, string> }; spec: { affinity: unknown } };
    };
    expect(spec.replicas).toBe(2);
    expect(JSON.stringify(spec.template.spec.affinity)).toContain('"topologyKey":"kubernetes.io/hostname"');
    const pdb = only(rendered['self-signed'], 'PodDisruptionBudget')['spec'] as {
      minAvailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(pdb.minAvailable).toBe(1);
    expect(spec.template.metadata.labels).toMatchObject(pdb.selector.matchLabels);
  });

  it('runs non-root, without privilege escalation or capabilities, on a read-only root filesystem', () => {
    const spec = podSpec(deployment());
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0]!.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  it('uses only flags the webhook command accepts', async () => {
    const { execFile } = await import('node:child_process');
    const help = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['dist/cli/main.js', 'webhook', '--help'], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const flags = podSpec(deployment())
      .containers[0]!.args.slice(1)
      .map((arg) => arg.split('=')[0]!);
    expect(flags.filter((f) => !help.includes(`${f} `))).toEqual([]);
  });
});

describe('the cert-manager overlay', () => {
  it('issues the serving cert for every Service name, from a CA Issuer, and injects that CA', () => {
    const objects = rendered['cert-manager'];
    const serving = only(objects, 'Certificate', 'mcp-header-forward-serving')['spec'] as {
      dnsNames: string[];
      issuerRef: { name: string };
    };
    expect(serving.dnsNames).toEqual(serviceDnsNames({ service: 'mcp-header-forward', namespace: DEFAULT_NAMESPACE }));
    const issuer = only(objects, 'Issuer', serving.issuerRef.name)['spec'] as { ca?: { secretName: string } };
    const ca = only(objects, 'Certificate', 'mcp-header-forward-ca')['spec'] as { isCA: boolean; secretName: string };
    expect(ca.isCA).toBe(true);
    expect(issuer.ca?.secretName).toBe(ca.secretName);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      expect(only(objects, kind).metadata.annotations).toEqual({
        'cert-manager.io/inject-ca-from': `${DEFAULT_NAMESPACE}/mcp-header-forward-serving`,
      });
    }
  });
});

describe('the self-signed overlay', () => {
  it('renews with the same pod as it installs with (Job and CronJob templates are equal)', () => {
    const job = only(rendered['self-signed'], 'Job')['spec'] as { template: unknown };
    const cron = only(rendered['self-signed'], 'CronJob')['spec'] as { jobTemplate: { spec: { template: unknown } } };
    expect(cron.jobTemplate.spec.template).toEqual(job.template);
  });
});

describe('components/network-policy (opt-in)', () => {
  it("adds a NetworkPolicy that selects exactly the webhook pods and opens only their two ports, and passes the server's dry run", async () => {
    const { objects } = await kustomizeWithComponent(info.kubectlPath, 'self-signed', 'network-policy');
    const policy = only(objects, 'NetworkPolicy') as KubeObject & {
      spec: {
        podSelector: { matchLabels: Record<string, string> };
        ingress: { from: Record<string, unknown>[]; ports: { port: number }[] }[];
      };
    };
    const deployment = only(objects, 'Deployment') as KubeObject & {
      spec: { template: { metadata: { labels: Record<string, string> } } };
    };
    expect(policy.metadata.namespace).toBe(DEFAULT_NAMESPACE);
    expect(deployment.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    const container = webhookContainer(objects);
    expect(policy.spec.ingress.map((rule) => rule.ports.map((p) => p.port))).toEqual([
      [portOf(container, '--listen')],
      [portOf(container, '--metrics-listen')],
    ]);
    // The admission port from an address range (the API server is no pod); metrics from Prometheus' pods only.
    expect(policy.spec.ingress.map((rule) => rule.from.map((source) => Object.keys(source).sort()))).toEqual([
      [['ipBlock']],
      [['namespaceSelector', 'podSelector']],
    ]);
    const { stdout } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      JSON.stringify(policy),
    );
    expect(stdout).toContain('networkpolicy.networking.k8s.io/mcp-header-forward-webhook created (server dry run)');
  });
});
