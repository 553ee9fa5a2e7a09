import { beforeAll, describe, expect, it } from 'vitest';
import { dashboard, dashboardQueries, ruleQueries, type ShippedQuery } from './monitoringQueries.js';
import { queryProblems, TARGET_LABELS } from './queryProblems.js';
import { seriesLabels, sidecarMetrics, webhookMetrics, type MetricCatalog } from './registeredMetrics.js';

// manifests/monitoring (alerts, dashboard) against the metrics the webhook and the sidecar really register.

let webhook: MetricCatalog;
let sidecar: MetricCatalog;
let series: Map<string, Set<string>>;

beforeAll(async () => {
  webhook = await webhookMetrics();
  sidecar = sidecarMetrics();
  series = seriesLabels(new Map([...webhook, ...sidecar]));
});

/** Our own metrics: not prom-client's process and Node.js defaults (which the sidecar prefixes with its name too). */
const ours = (catalog: MetricCatalog): string[] =>
  [...catalog.keys()].filter(
    (name) => name.startsWith('mcp_header_forward_') && !/^mcp_header_forward_sidecar_(process|nodejs)_/.test(name),
  );

describe('the registered metrics', () => {
  it('are found: every part of the webhook and the sidecar (so the checks below have something to check against)', () => {
    expect(ours(webhook)).toEqual(
      expect.arrayContaining([
        'mcp_header_forward_admission_reviews_total',
        'mcp_header_forward_entry_violations_total',
        'mcp_header_forward_pod_injections_total',
        'mcp_header_forward_secret_guard_total',
        'mcp_header_forward_secret_access_reviews_total',
        'mcp_header_forward_entries_invalid',
        'mcp_header_forward_pods',
        'mcp_header_forward_leader',
        'mcp_header_forward_webhook_cert_not_after_timestamp_seconds',
      ]),
    );
    expect(ours(sidecar)).toContain('mcp_header_forward_sidecar_requests_total');
  });

  it('carry no label a ServiceMonitor or PodMonitor scrape would rename to exported_<label>', () => {
    const clashes = [...webhook, ...sidecar].flatMap(([name, { labels }]) =>
      labels.filter((label) => (TARGET_LABELS as readonly string[]).includes(label)).map((label) => `${name}{${label}}`),
    );
    expect(clashes).toEqual([]);
  });

  it('name their unit: counters end in _total, durations and timestamps in _seconds', () => {
    const misnamed = [...ours(webhook), ...ours(sidecar)].filter((name) => {
      const { type } = webhook.get(name) ?? sidecar.get(name)!;
      if (type === 'counter') return !name.endsWith('_total');
      return /duration|timestamp|expiry|not_after/.test(name) && !name.endsWith('_seconds');
    });
    expect(misnamed).toEqual([]);
  });
});

describe('manifests/monitoring', () => {
  const all = (): ShippedQuery[] => [...ruleQueries(), ...dashboardQueries()];

  it('ships the alerts the docs describe and a dashboard with queries', () => {
    expect(ruleQueries().map((q) => q.where)).toEqual(
      expect.arrayContaining([
        'alert McpHeaderForwardWebhookErrors',
        'alert McpHeaderForwardInvalidEntries',
        'alert McpHeaderForwardScanStalled',
      ]),
    );
    expect(dashboardQueries().length).toBeGreaterThan(20);
  });

  it('uses only registered metrics and their labels, in valid PromQL, printing only labels the results carry', () => {
    expect(all().flatMap((query) => queryProblems(query, series))).toEqual([]);
  });

  it('covers every metric of ours at least once, in an alert or a panel', () => {
    const queried = all()
      .map((q) => q.expr)
      .join('\n');
    expect([...ours(webhook), ...ours(sidecar)].filter((name) => !queried.includes(name))).toEqual([]);
  });

  it('gives every dashboard panel its own id', () => {
    const ids = dashboard().panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the query check itself', () => {
  const check = (expr: string, printedLabels: string[] = []): string[] => queryProblems({ where: 'q', expr, printedLabels }, series);

  it('passes a correct query', () => {
    expect(check('max by (resource_namespace, reason) (mcp_header_forward_entries_invalid) > 0', ['resource_namespace'])).toEqual([]);
  });

  it('finds a syntax error, an unregistered metric, a label the metric lacks, a quantile without le and a label the result lost', () => {
    expect(check('sum(rate(mcp_header_forward_admission_reviews_total[5m])')).toEqual([expect.stringContaining('PromQL syntax error')]);
    expect(check('mcp_header_forward_entries_invalids')).toEqual(['q: no registered metric exposes mcp_header_forward_entries_invalids']);
    expect(check('max by (verdict) (mcp_header_forward_entries_invalid)')).toEqual([
      'q: label verdict is on none of mcp_header_forward_entries_invalid',
    ]);
    expect(check('sum by (reason) (mcp_header_forward_entries_invalid)', ['resource_namespace'])).toEqual([
      expect.stringContaining('prints label resource_namespace, which the result does not carry'),
    ]);
    expect(
      check('histogram_quantile(0.9, sum by (route) (rate(mcp_header_forward_sidecar_upstream_duration_seconds_bucket[5m])))'),
    ).toEqual(['q: histogram_quantile at offset 0 gets no le label']);
    expect(check('absent(up{job="x"} == 1)', ['job'])).toEqual([]);
    expect(check('absent(up{job=~"x"} == 1)', ['job'])).toEqual([expect.stringContaining('prints label job')]);
  });
});
