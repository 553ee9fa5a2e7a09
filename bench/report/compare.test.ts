import { describe, expect, it } from 'vitest';
import { compare, judge, judgedClient, loadMetric, missed } from './compare.js';
import type { BenchResults, LoadSummary, ProxyMeasurement } from './model.js';
import { renderReport } from './render.js';
import { detailTable, formatQuantity, ratioTable } from './table.js';

function load(p50us: number, rps: number, p99us = p50us * 2): LoadSummary {
  return { requests: 1000, errors: 0, seconds: 1000 / rps, rps, p50us, p90us: p50us, p99us, maxUs: p99us, meanUs: p50us };
}

const run = (protocol: 'http' | 'https', target: string, concurrency: number, summary: LoadSummary): ProxyMeasurement => ({
  protocol,
  target,
  concurrency,
  load: summary,
});

function results(proxy: ProxyMeasurement[]): BenchResults {
  return {
    startedAt: '2026-11-27T00:00:00.000Z',
    durationSeconds: 300,
    machine: { cpus: 2, cpuModel: 'test CPU', loadAverageAtStart: [0.5, 0.5, 0.5], node: 'v20', kernel: 'test', pinning: 'none' },
    peers: {},
    skips: [],
    proxy,
    rss: [{ protocol: 'http', readings: [{ target: 'sidecar', idleKb: 50 * 1024, peakKb: 70 * 1024 }] }],
  };
}

describe('loadMetric', () => {
  const ms = [
    run('http', 'direct', 1, load(100, 9000)),
    run('http', 'sidecar', 1, load(160, 5000)),
    run('http', 'nginx', 16, load(150, 8000)),
  ];

  it('is the proxy percentile minus direct at the same concurrency', () => {
    expect(loadMetric(ms, 'http', 'sidecar', 1, 'p50Added')).toEqual({ value: 60, unit: 'us' });
    expect(loadMetric(ms, 'http', 'sidecar', 1, 'p99Added')).toEqual({ value: 120, unit: 'us' });
  });

  it('is undefined without a direct run at that concurrency', () => {
    expect(loadMetric(ms, 'http', 'nginx', 16, 'p50Added')).toBeUndefined();
  });

  it('reports throughput as measured', () => {
    expect(loadMetric(ms, 'http', 'nginx', 16, 'rps')).toEqual({ value: 8000, unit: 'rps' });
  });
});

describe('judge', () => {
  it.each([
    [60, 50, 1.2, 'met'],
    [61, 50, 1.2, 'missed'],
  ] as const)('ours %d vs reference %d against <= %dx is %s', (ours, reference, bound, status) => {
    expect(judge(ours, reference, { kind: 'ratio-max', bound }).status).toBe(status);
  });

  it('checks a minimum ratio for throughput', () => {
    expect(judge(7000, 10000, { kind: 'ratio-min', bound: 0.8 })).toEqual({ ratio: 0.7, status: 'missed' });
  });

  it('gives no ratio when the reference adds nothing measurable', () => {
    expect(judge(40, -5, { kind: 'ratio-max', bound: 1.2 })).toMatchObject({ status: 'n/a', note: 'reference adds no measurable latency' });
  });

  it('judges absolute targets without a reference', () => {
    expect(judge(0.8, undefined, { kind: 'abs-max', bound: 1, unit: 'ms' }).status).toBe('met');
    expect(judge(4000, undefined, { kind: 'abs-min', bound: 5000, unit: 'rps' }).status).toBe('missed');
  });

  it('says when ours was not measured', () => {
    expect(judge(undefined, 50, { kind: 'ratio-max', bound: 1 })).toEqual({ status: 'n/a', note: 'not measured' });
  });
});

describe('compare', () => {
  const r = results([
    run('http', 'direct', 1, load(100, 9000)),
    run('http', 'sidecar', 1, load(160, 5000)),
    run('http', 'nginx', 1, load(150, 6000)),
    run('http', 'squid', 1, load(200, 4000)),
  ]);
  const rows = compare(r);

  it('judges HTTP p50 added latency against nginx (<= 1.2x) and squid (<= 0.5x)', () => {
    const c1 = rows.filter((row) => row.comparison === 'HTTP p50 added latency, c=1');
    expect(c1.find((row) => row.referenceName === 'nginx')).toMatchObject({ ratio: 1.2, status: 'met' });
    expect(c1.find((row) => row.referenceName === 'squid')).toMatchObject({ ratio: 0.6, status: 'missed' });
  });

  it('judges sidecar idle RSS against 60 MB', () => {
    expect(rows.find((row) => row.comparison === 'sidecar RSS idle')).toMatchObject({ ours: { value: 50, unit: 'MB' }, status: 'met' });
  });

  it('lists exactly the missed rows for the profile', () => {
    expect(missed(rows).map((row) => `${row.comparison} vs ${row.referenceName ?? ''}`)).toEqual(['HTTP p50 added latency, c=1 vs squid']);
  });

  it('renders a table with ratio, target and result', () => {
    const table = ratioTable(rows);
    expect(table).toContain('| HTTP p50 added latency, c=1 | Go client | 60 µs | nginx 50 µs | 1.20x | ≤ 1.2x | met |  |');
    expect(table).toContain('| HTTP p50 added latency, c=1 | Go client | 60 µs | squid 100 µs | 0.60x | ≤ 0.5x | **missed** |  |');
    expect(table).toContain('| sidecar RSS idle |  | 50 MB |  |  | ≤ 60 MB | met |  |');
  });

  it('puts the machine and skips above the table', () => {
    const report = renderReport({ ...r, skips: [{ part: 'mitmproxy', reason: 'apt-get install mitmproxy failed' }] });
    expect(report).toMatch(/on 2 cores \(test CPU\).*ratios, measured side by side in the same run, are what we track/);
    expect(report).toContain('- skipped mitmproxy: apt-get install mitmproxy failed');
  });
});

describe('compare with both clients', () => {
  const wrk = (m: ProxyMeasurement): ProxyMeasurement => ({ ...m, client: 'wrk' });
  const r = results([
    run('http', 'direct', 1, load(100, 9000)),
    run('http', 'sidecar', 1, load(160, 5000)),
    run('http', 'nginx', 1, load(150, 6000)),
    wrk(run('http', 'direct', 1, load(60, 15000))),
    wrk(run('http', 'sidecar', 1, load(210, 4500))),
    wrk(run('http', 'nginx', 1, load(80, 11000))),
  ]);
  const row = compare(r).find((x) => x.comparison === 'HTTP p50 added latency, c=1' && x.referenceName === 'nginx')!;

  it('judges HTTP on wrk where it ran, subtracting each client its own direct run', () => {
    expect(row).toMatchObject({ client: 'wrk', ours: { value: 150 }, reference: { value: 20 }, ratio: 7.5, status: 'missed' });
    expect(loadMetric(r.proxy, 'http', 'sidecar', 1, 'p50Added', 'go')).toEqual({ value: 60, unit: 'us' });
  });

  it('shows the Go client figures beside the judged ones without judging them', () => {
    expect(row.crossCheck).toEqual({ client: 'go', ours: { value: 60, unit: 'us' }, reference: { value: 50, unit: 'us' }, ratio: 1.2 });
    expect(ratioTable([row])).toContain('| wrk | 150 µs | nginx 20 µs | 7.50x | ≤ 1.2x | **missed** | Go client: 60 µs / 50 µs = 1.20x |');
  });

  it('judges HTTPS on the Go client, wrk having no CONNECT', () => {
    expect(judgedClient(r.proxy, 'https')).toBe('go');
  });

  it('shows each run with its client, run count and spread', () => {
    const withRuns = { ...r.proxy[4]!, runs: [load(200, 4000), load(210, 4500), load(260, 4600)] };
    const detail = detailTable({ ...r, proxy: [...r.proxy.slice(0, 4), withRuns, r.proxy[5]!] });
    expect(detail).toContain(
      '| http | sidecar | 1 | wrk | 3 | 210 µs (200 µs–260 µs) | 420 µs | 150 µs | 300 µs | 4,500/s (4,000/s–4,600/s) | 0 | 50.0 / 70.0 MB |',
    );
  });
});

describe('formatQuantity', () => {
  it.each([
    [{ value: 512.4, unit: 'us' as const }, '512 µs'],
    [{ value: 2345, unit: 'us' as const }, '2.35 ms'],
    [{ value: 12345.6, unit: 'rps' as const }, '12,346/s'],
    [{ value: 45.25, unit: 'MB' as const }, '45.3 MB'],
    [undefined, '—'],
  ])('%o is %s', (q, text) => {
    expect(formatQuantity(q)).toBe(text);
  });
});

describe('webhook rows', () => {
  const withWebhook = (rateRuns: { route: 'validate' | 'mutate'; rate: number; load: LoadSummary }[]): BenchResults => ({
    ...results([]),
    webhook: { rateRuns, maxRate: [] },
  });
  const shedding = (summary: LoadSummary, shed: number, errors = 0): LoadSummary => ({ ...summary, shed, errors });

  it('judges the reviews run at the overload rate against the webhook timeout, and only a run without errors', () => {
    const rows = compare(
      withWebhook([
        { route: 'validate', rate: 4000, load: shedding(load(3000, 2500, 40_000), 4000) },
        { route: 'mutate', rate: 4000, load: shedding(load(3000, 2500, 40_000), 100, 7) },
      ]),
    ).filter((r) => r.comparison.includes('4000 rps'));
    expect(rows.map((r) => [r.comparison, r.ours?.value, r.status])).toEqual([
      ['webhook /validate p99 of the reviews run at 4000 rps (overload), no errors', 40, 'met'],
      ['webhook /mutate p99 of the reviews run at 4000 rps (overload), no errors', 40, 'missed'],
    ]);
  });

  it('shows no p99 at 1000 rps for a run that shed reviews', () => {
    const row = compare(withWebhook([{ route: 'validate', rate: 1000, load: shedding(load(500, 990), 10) }])).find(
      (r) => r.comparison === 'webhook /validate p99 at 1000 rps',
    );
    expect(row?.ours).toBeUndefined();
  });

  it('counts reviews the client did not send (its in-flight cap) apart from errors, and shows no p99 at 1000 rps for them', () => {
    const behind = { ...load(500, 990), notSent: 12 };
    const row = compare(withWebhook([{ route: 'validate', rate: 1000, load: behind }])).find(
      (r) => r.comparison === 'webhook /validate p99 at 1000 rps',
    );
    expect(row?.ours).toBeUndefined();
    expect(renderReport(withWebhook([{ route: 'validate', rate: 4000, load: { ...load(3000, 2000), notSent: 510 } }]))).toContain(
      'errors 0, not sent 510',
    );
  });

  it('reports shed reviews beside the errors, as a share of those sent', () => {
    const text = renderReport(withWebhook([{ route: 'mutate', rate: 4000, load: { ...shedding(load(3000, 2000), 2000), seconds: 2 } }]));
    expect(text).toContain('- /mutate at 4000 rps: p50 3 ms, p99 6 ms, achieved 2000/s, errors 0, shed 2000 (25% of those sent)');
  });
});
