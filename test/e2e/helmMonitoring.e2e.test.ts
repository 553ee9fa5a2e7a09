import { beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveHelm } from './harness/helmBinary.js';
import { byKindAndName, helmTemplate, withoutHelmLabels } from './install/helm.js';
import { installMonitoringCrds, monitoringCrdFiles } from './install/monitoringCrds.js';
import { MANIFESTS_DIR, kubectl, kustomize, only, type KubeObject } from './install/render.js';

// The chart's monitoring values render manifests/monitoring (ServiceMonitor, PodMonitor, PrometheusRule, the
// dashboard ConfigMap), which pass the API server's dry run against the Prometheus Operator's pinned CRDs.

const info = inject('controlPlane');
const NAMESPACE = 'mcp-header-forward';
const ALL = {
  'metrics.serviceMonitor.enabled': 'true',
  'metrics.podMonitor.enabled': 'true',
  'metrics.prometheusRule.enabled': 'true',
  'metrics.dashboard.enabled': 'true',
};
const isMonitoring = (o: KubeObject): boolean => o.metadata.labels?.['app.kubernetes.io/component'] === 'monitoring';
let helm: string;
let kustomized: KubeObject[];
let rendered: KubeObject[];

beforeAll(async () => {
  helm = (await resolveHelm({ log: (line) => void process.stderr.write(`[helm] ${line}\n`) })).path;
  await installMonitoringCrds(info.kubectlPath, info.kubeconfigPath, (await monitoringCrdFiles()).files);
  kustomized = (await kustomize(info.kubectlPath, `${MANIFESTS_DIR}monitoring`)).objects;
  rendered = (await helmTemplate(helm, { namespace: NAMESPACE, set: ALL })).objects;
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['apply', '-f', '-'], JSON.stringify(namespace));
});

describe('metrics.* enabled', () => {
  it("renders exactly manifests/monitoring, apart from Helm's labels", () => {
    expect(byKindAndName(withoutHelmLabels(rendered.filter(isMonitoring)))).toEqual(byKindAndName(kustomized));
  });

  it('passes kubectl apply --dry-run=server against the pinned CRDs without warnings', async () => {
    const monitoring = rendered.filter(isMonitoring);
    const { stdout, stderr } = await kubectl(
      info.kubectlPath,
      info.kubeconfigPath,
      ['apply', '--dry-run=server', '-f', '-'],
      monitoring.map((o) => JSON.stringify(o)).join('\n---\n'),
    );
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(4);
  });

  it("scrapes the chart's Service by its labels and its metrics port", () => {
    const monitor = only(rendered, 'ServiceMonitor')['spec'] as {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string }[];
    };
    const service = only(rendered, 'Service') as KubeObject & { spec: { ports: { name: string; targetPort: string }[] } };
    expect(service.metadata.labels).toMatchObject(monitor.selector.matchLabels);
    expect(service.spec.ports.map((port) => port.name)).toContain(monitor.endpoints[0]!.port);
  });
});

describe('metrics.labels', () => {
  it('label the Prometheus objects so a Prometheus selects them, not the dashboard', async () => {
    const { objects } = await helmTemplate(helm, { set: { ...ALL, 'metrics.labels.release': 'kube-prometheus-stack' } });
    const labelled = objects.filter((o) => o.metadata.labels?.['release'] === 'kube-prometheus-stack').map((o) => o.kind);
    expect(labelled.sort()).toEqual(['PodMonitor', 'PrometheusRule', 'ServiceMonitor']);
  });
});

describe('by default', () => {
  it('renders no monitoring object (the CRDs may not exist)', async () => {
    const { objects } = await helmTemplate(helm);
    expect(objects.filter(isMonitoring)).toEqual([]);
  });
});
