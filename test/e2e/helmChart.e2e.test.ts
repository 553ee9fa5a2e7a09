import { beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveHelm } from './harness/helmBinary.js';
import { byKindAndName, helmTemplate, helmTemplateArgs, runHelm, withoutHelmLabels } from './install/helm.js';
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
import { CHART_DIR } from '../../packaging/chart/chartDir.js';

// The chart installs what the kustomize overlays install: with the default values (and the matching certificate
// source) `helm template` gives the overlay's objects, apart from the labels every Helm chart adds; it passes
// `helm lint --strict` and the real API server's server-side dry run.

const info = inject('controlPlane');
const log = (line: string): void => void process.stderr.write(`[helm] ${line}\n`);
const SOURCE: Record<Overlay, Record<string, string>> = { 'self-signed': {}, 'cert-manager': { 'certificates.source': 'cert-manager' } };
const kustomized = {} as Record<Overlay, KubeObject[]>;
const isCertManager = (o: KubeObject): boolean => o.apiVersion.startsWith('cert-manager.io/');
let helm: string;

beforeAll(async () => {
  const resolved = await resolveHelm({ log });
  log(`helm ${resolved.version} (${resolved.source}${resolved.buildSeconds === undefined ? '' : `, built in ${resolved.buildSeconds}s`})`);
  helm = resolved.path;
  for (const overlay of OVERLAYS) kustomized[overlay] = (await kustomize(info.kubectlPath, `${MANIFESTS_DIR}overlays/${overlay}`)).objects;
  // Dry-run cannot create the namespace the other objects live in: create it for real (idempotent).
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['apply', '-f', '-'], JSON.stringify(only(kustomized['self-signed'], 'Namespace')));
});

describe.each(OVERLAYS)('certificates from %s', (overlay) => {
  it('pass helm lint --strict (values.schema.json included)', async () => {
    const sets = Object.entries(SOURCE[overlay]).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
    const result = await runHelm(helm, ['lint', '--strict', CHART_DIR, ...sets]);
    expect(result.stdout + result.stderr).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it(`renders exactly the objects of overlays/${overlay} with createNamespace, apart from Helm's labels`, async () => {
    const { objects } = await helmTemplate(helm, { set: { ...SOURCE[overlay], createNamespace: 'true' } });
    expect(byKindAndName(withoutHelmLabels(objects))).toEqual(byKindAndName(kustomized[overlay]));
  });

  it('renders the same without the Namespace by default (helm install --create-namespace makes it)', async () => {
    const { objects } = await helmTemplate(helm, { set: SOURCE[overlay] });
    expect(byKindAndName(withoutHelmLabels(objects))).toEqual(byKindAndName(kustomized[overlay].filter((o) => o.kind !== 'Namespace')));
  });

  it('passes kubectl apply --dry-run=server without warnings', async () => {
    const { objects } = await helmTemplate(helm, { set: SOURCE[overlay] });
    // cert-manager's CRDs are not installed on the e2e API server: those objects are compared above instead.
    const applied = objects.filter((o) => !isCertManager(o));
    const { stdout, stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      applied.map((o) => JSON.stringify(o)).join('\n---\n'),
    );
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(applied.length);
    expect(stdout).toMatch(/deployment\.apps\/mcp-header-forward (created|configured|unchanged) \(server dry run\)/);
  });
});

describe('Helm labels', () => {
  it('are on every object and pod template, and never in a selector', async () => {
    const { objects } = await helmTemplate(helm);
    for (const object of objects)
      expect(object.metadata.labels, `${object.kind}/${object.metadata.name}`).toHaveProperty(['app.kubernetes.io/managed-by'], 'Helm');
    const deployment = only(objects, 'Deployment') as KubeObject & {
      spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
    };
    expect(deployment.spec.template.metadata.labels).toHaveProperty(['app.kubernetes.io/instance'], 'mcp-header-forward');
    expect(deployment.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'mcp-header-forward',
      'app.kubernetes.io/component': 'webhook',
    });
  });
});

describe('networkPolicy (opt-in, as components/network-policy)', () => {
  const enabled = { createNamespace: 'true', 'networkPolicy.enabled': 'true' };
  type Policy = KubeObject & { spec: { ingress: { from: unknown[]; ports: { port: number }[] }[] } };

  it('off by default', async () => {
    const { objects } = await helmTemplate(helm);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  it('on: exactly the objects of overlays/self-signed with the component, apart from Helm labels', async () => {
    const withComponent = (await kustomizeWithComponent(info.kubectlPath, 'self-signed', 'network-policy')).objects;
    const { objects } = await helmTemplate(helm, { set: enabled });
    expect(byKindAndName(withoutHelmLabels(objects))).toEqual(byKindAndName(withComponent));
  });

  it('takes the peers of both ports from values, and the server accepts the result', async () => {
    const { objects } = await helmTemplate(helm, {
      set: {
        'networkPolicy.enabled': 'true',
        'networkPolicy.apiServer[0].ipBlock.cidr': '198.51.100.0/24',
        'networkPolicy.prometheus[0].namespaceSelector.matchLabels.team': 'observability',
      },
    });
    const policy = only(objects, 'NetworkPolicy') as Policy;
    expect(policy.spec.ingress.map((rule) => [rule.from, rule.ports.map((p) => p.port)])).toEqual([
      [[{ ipBlock: { cidr: '198.51.100.0/24' } }], [8443]],
      [[{ namespaceSelector: { matchLabels: { team: 'observability' } } }], [8080]],
    ]);
    const { stdout, stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      JSON.stringify(policy),
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('networkpolicy.networking.k8s.io/mcp-header-forward-webhook created (server dry run)');
  });

  // An ingress rule with an empty `from` admits every source: the opposite of what the value is for.
  it.each(['apiServer', 'prometheus'])('refuses an empty networkPolicy.%s', async (key) => {
    const result = await runHelm(
      helm,
      helmTemplateArgs({ set: { 'networkPolicy.enabled': 'true' }, extraArgs: ['--set-json', `networkPolicy.${key}=[]`] }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`at '/networkPolicy/${key}'`);
  });
});
