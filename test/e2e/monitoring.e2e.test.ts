import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { VMCP_NAME_LABEL, VMCP_NAME_VALUE } from '../../contract/labels.js';
import { METRICS_PATH } from '../../contract/sidecar.js';
import { ADMIN_PORT_NAME } from '../../webhook/mutate/sidecar.js';
import { DEFAULT_NAMESPACE } from '../../webhook/registrations/webhookConfigurations.js';
import {
  installMonitoringCrds,
  monitoringCrdFiles,
  pinnedPrometheusOperatorVersion,
  PROMETHEUS_OPERATOR_MODULE,
} from './install/monitoringCrds.js';
import { MANIFESTS_DIR, kubectl, kustomize, only, type KubeObject } from './install/render.js';

// manifests/monitoring against the real API server with the Prometheus Operator's CRDs from its pinned module:
// schema-valid (server-side dry run, strict field validation) and pointed at what the webhook manifests and the
// injector really expose. That the queries use real metrics is test/unit/monitoring's job.

const info = inject('controlPlane');
const MONITORING_DIR = `${MANIFESTS_DIR}monitoring`;
let source = '';
let monitoring: KubeObject[] = [];
let installed: KubeObject[] = [];

const dryRun = (objects: readonly KubeObject[]): Promise<{ stdout: string; stderr: string }> =>
  kubectl(
    info.kubectlPath,
    info.kubeconfigPath,
    ['apply', '--dry-run=server', '-f', '-'],
    objects.map((o) => JSON.stringify(o)).join('\n---\n'),
  );

/** The install as a user writes it: an overlay plus manifests/monitoring as one more resource. */
async function renderWithOverlay(): Promise<KubeObject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mhf-monitoring-'));
  try {
    const resources = [`${MANIFESTS_DIR}overlays/self-signed`, MONITORING_DIR].map((path) => `  - ${relative(dir, path)}`);
    await writeFile(
      join(dir, 'kustomization.yaml'),
      ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', ...resources, ''].join('\n'),
    );
    return (await kustomize(info.kubectlPath, dir)).objects;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  const crds = await monitoringCrdFiles();
  source = crds.source;
  await installMonitoringCrds(info.kubectlPath, info.kubeconfigPath, crds.files);
  monitoring = (await kustomize(info.kubectlPath, MONITORING_DIR)).objects;
  installed = await renderWithOverlay();
  // Dry runs cannot create the namespace the objects live in: create it for real (idempotent).
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['apply', '-f', '-'], JSON.stringify(only(installed, 'Namespace')));
});

describe('manifests/monitoring', () => {
  it('is checked against the CRDs of the Prometheus Operator release pinned in its Go module', async () => {
    expect(source).toBe(`${PROMETHEUS_OPERATOR_MODULE}@${await pinnedPrometheusOperatorVersion()}`);
  });

  it("passes the API server's dry run with strict field validation: ServiceMonitor, PodMonitor, PrometheusRule, dashboard", async () => {
    expect(monitoring.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'PodMonitor', 'PrometheusRule', 'ServiceMonitor']);
    expect(monitoring.every((o) => o.metadata.namespace === DEFAULT_NAMESPACE)).toBe(true);
    const { stdout, stderr } = await dryRun(monitoring);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(monitoring.length);
    expect(stdout).toMatch(/servicemonitor\.monitoring\.coreos\.com\/mcp-header-forward (created|configured|unchanged) \(server dry run\)/);
  });

  it('would be refused with a field the CRD does not know (so the dry run above can fail)', async () => {
    const serviceMonitor = only(monitoring, 'ServiceMonitor');
    const broken = { ...serviceMonitor, spec: { ...(serviceMonitor['spec'] as object), endpoint: [{ port: 'metrics' }] } };
    await expect(dryRun([broken])).rejects.toThrow(/unknown field "spec\.endpoint"/);
  });

  it("scrapes the webhook Service's metrics port, in the Service's namespace", () => {
    const serviceMonitor = only(installed, 'ServiceMonitor') as KubeObject & {
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: { port: string; path: string; scheme: string }[] };
    };
    const service = only(installed, 'Service');
    expect(serviceMonitor.metadata.namespace).toBe(service.metadata.namespace);
    expect(service.metadata.labels).toMatchObject(serviceMonitor.spec.selector.matchLabels);
    const ports = (service['spec'] as { ports: { name: string }[] }).ports.map((p) => p.name);
    expect(serviceMonitor.spec.endpoints).toEqual([{ port: 'metrics', path: METRICS_PATH, scheme: 'http', interval: '30s' }]);
    expect(ports).toContain('metrics');
  });

  it("scrapes the injected sidecar's admin port on vMCP pods in every namespace", () => {
    const podMonitor = only(installed, 'PodMonitor')['spec'] as {
      namespaceSelector: { any: boolean };
      selector: { matchLabels: Record<string, string> };
      podMetricsEndpoints: { port: string; path: string }[];
    };
    expect(podMonitor.namespaceSelector).toEqual({ any: true });
    expect(podMonitor.selector.matchLabels).toEqual({ [VMCP_NAME_LABEL]: VMCP_NAME_VALUE });
    expect(podMonitor.podMetricsEndpoints.map((e) => [e.port, e.path])).toEqual([[ADMIN_PORT_NAME, METRICS_PATH]]);
  });

  it("ships the dashboard file as is in a ConfigMap Grafana's sidecar loads (label grafana_dashboard)", async () => {
    const configMap = only(installed, 'ConfigMap', 'mcp-header-forward-dashboard') as KubeObject & { data: Record<string, string> };
    expect(configMap.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(configMap.data).toEqual({ 'mcp-header-forward.json': await readFile(join(MONITORING_DIR, 'grafana-dashboard.json'), 'utf8') });
  });
});
