import { describe, expect, it } from 'vitest';
import { summarizeBursts } from './apiServerBursts.js';
import { burstTable } from './apiServerTable.js';
import { compare } from './compare.js';
import type { Admission, ApiServerMeasurement, BenchResults, BurstResource, CreateBurst } from './model.js';
import { renderReport } from './render.js';

function burst(resource: BurstResource, admission: Admission, round: number, p99ms: number, more: Partial<CreateBurst> = {}): CreateBurst {
  return {
    admission,
    resource,
    round,
    creates: 1000,
    errors: 0,
    concurrency: 16,
    seconds: 4,
    ratePerSecond: 250,
    p50ms: p99ms / 4,
    p99ms,
    maxMs: p99ms * 2,
    webhooks: [],
    ...more,
  };
}

const OURS_HOOK = 'validate.mcpserverentries.mcp-header-forward.dev';
const call = (name: string, p99ms: number) => ({ name, type: 'validating', count: 1000, p50ms: p99ms / 2, p99ms });

const measurement: ApiServerMeasurement = {
  entries: 2000,
  pods: 2000,
  byWebhook: [call(OURS_HOOK, 9)],
  peer: { admission: 'kyverno', version: 'v1.19.1', setup: 'Kyverno v1.19.1 out of cluster' },
  bursts: [
    burst('mcpserverentries', 'none', 1, 40, { cpuMsPerCreate: { 'kube-apiserver': 2, 'mcp-header-forward': 0.01 } }),
    burst('mcpserverentries', 'ours', 1, 46, {
      webhooks: [call(OURS_HOOK, 5)],
      cpuMsPerCreate: { 'kube-apiserver': 3, 'mcp-header-forward': 1.5, Kyverno: 0.02 },
    }),
    burst('mcpserverentries', 'kyverno', 1, 100, { webhooks: [call('validate.kyverno.svc-fail', 50)] }),
    burst('mcpserverentries', 'none', 2, 60),
    burst('mcpserverentries', 'ours', 2, 70, { webhooks: [call(OURS_HOOK, 7)], errors: 1, firstError: 'timeout' }),
    burst('mcpserverentries', 'kyverno', 2, 140, {
      webhooks: [call('validate.kyverno.svc-fail', 70), { ...call('monitor-webhooks.kyverno.svc', 20), count: 1 }],
    }),
    burst('pods', 'none', 1, 30),
    burst('pods', 'ours', 1, 55),
  ],
};

function results(apiServer: ApiServerMeasurement): BenchResults {
  return {
    startedAt: '2026-12-02T00:00:00.000Z',
    durationSeconds: 60,
    machine: { cpus: 2, cpuModel: 'test CPU', loadAverageAtStart: [1, 1, 1], node: 'v24', kernel: 'test', pinning: 'none' },
    peers: {},
    skips: [],
    proxy: [],
    rss: [],
    apiServer,
  };
}

describe('summarizeBursts', () => {
  const summaries = summarizeBursts(measurement);
  const entries = (admission: Admission) => summaries.find((s) => s.resource === 'mcpserverentries' && s.admission === admission)!;

  it('gives one row per resource and admission, baseline first', () => {
    expect(summaries.map((s) => `${s.resource}/${s.admission}`)).toEqual([
      'mcpserverentries/none',
      'mcpserverentries/ours',
      'mcpserverentries/kyverno',
      'pods/none',
      'pods/ours',
    ]);
  });

  it('takes the median over rounds and pairs the added p99 with the same round’s baseline', () => {
    // Rounds: 46 - 40 = 6 and 70 - 60 = 10; the median of the pairs, not median(ours) - median(baseline) alone.
    expect(entries('ours')).toMatchObject({
      bursts: 2,
      p99ms: 58,
      p99MinMs: 46,
      p99MaxMs: 70,
      p99AddedMs: 8,
      errors: 1,
      firstError: 'timeout',
    });
    expect(entries('kyverno').p99AddedMs).toBe(70);
    expect(entries('none')).not.toHaveProperty('p99AddedMs');
  });

  it('keeps the API server’s histogram per webhook, median over rounds', () => {
    expect(entries('ours').webhooks).toEqual([{ name: OURS_HOOK, count: 2000, p50ms: 3, p99ms: 6 }]);
  });

  it('leaves out webhooks called fewer times than the burst created objects (not on its path)', () => {
    expect(entries('kyverno').webhooks.map((w) => w.name)).toEqual(['validate.kyverno.svc-fail']);
  });

  it('pairs each burst with the baseline of its own concurrency, one row per concurrency, in the order they ran', () => {
    const sequential = (admission: Admission, round: number, p99ms: number) =>
      burst('mcpserverentries', admission, round, p99ms, { concurrency: 1 });
    const both = summarizeBursts({
      ...measurement,
      bursts: [
        ...measurement.bursts!,
        sequential('none', 1, 5),
        sequential('ours', 1, 7),
        sequential('none', 2, 6),
        sequential('ours', 2, 9),
      ],
    });
    expect(both.map((s) => `${s.concurrency}/${s.resource}/${s.admission}`)).toEqual([
      '16/mcpserverentries/none',
      '16/mcpserverentries/ours',
      '16/mcpserverentries/kyverno',
      '16/pods/none',
      '16/pods/ours',
      '1/mcpserverentries/none',
      '1/mcpserverentries/ours',
    ]);
    // c=1: 7 - 5 = 2 and 9 - 6 = 3, never against the c=16 baseline's 40 and 60.
    expect(both.find((s) => s.concurrency === 1 && s.admission === 'ours')!.p99AddedMs).toBe(2.5);
    expect(both.find((s) => s.concurrency === 16 && s.admission === 'ours' && s.resource === 'mcpserverentries')!.p99AddedMs).toBe(8);
    const rows = compare(results({ ...measurement, bursts: [...measurement.bursts!, sequential('none', 1, 5), sequential('ours', 1, 7)] }));
    expect(rows.filter((r) => r.comparison.startsWith('API-server create p99 added')).map((r) => r.comparison)).toEqual([
      'API-server create p99 added by the webhook, MCPServerEntry (client-observed, 1000 at c=16)',
      'API-server create p99 added by the webhook, vMCP pod (client-observed, 1000 at c=16)',
      'API-server create p99 added by the webhook, MCPServerEntry (client-observed, 1000 at c=1)',
      'API-server create p99 added by the webhook, vMCP pod (client-observed, 1000 at c=1)',
    ]);
  });

  it('is empty for results from before the bursts', () => {
    expect(summarizeBursts({ entries: 1000, pods: 1000, byWebhook: [] })).toEqual([]);
  });
});

describe('burstTable', () => {
  it('shows latency, added p99, rate, the histogram and the CPU per create for each admission', () => {
    const table = burstTable(measurement);
    expect(table).toContain(
      '| MCPServerEntry | 16 | no webhook (baseline) | 2 | 12.5 ms | 50.0 ms (40.0 ms–60.0 ms) |  | 250/s | none on its path | kube-apiserver 2.00 ms | 0 |',
    );
    expect(table).toContain(
      `| MCPServerEntry | 16 | mcp-header-forward | 2 | 14.5 ms | 58.0 ms (46.0 ms–70.0 ms) | 8.0 ms | 250/s | ${OURS_HOOK}: 3.0 ms / 6.0 ms | kube-apiserver 3.00 ms; mcp-header-forward 1.50 ms | 1 (timeout) |`,
    );
    expect(table).toContain(
      '| MCPServerEntry | 16 | Kyverno | 2 | 30.0 ms | 120.0 ms (100.0 ms–140.0 ms) | 70.0 ms | 250/s | validate.kyverno.svc-fail: 30.0 ms / 60.0 ms |  | 0 |',
    );
    expect(table).toContain('| vMCP pod | 16 | mcp-header-forward | 1 | 13.8 ms | 55.0 ms | 25.0 ms | 250/s |  |  | 0 |');
  });
});

describe('compare with create bursts', () => {
  const rows = compare(results(measurement));
  const entryRow = rows.find((r) => r.comparison.startsWith('API-server create p99 added by the webhook, MCPServerEntry'))!;
  const podRow = rows.find((r) => r.comparison.startsWith('API-server create p99 added by the webhook, vMCP pod'))!;

  it('judges what our webhook adds to the create p99 against 10 ms, with the peer beside it', () => {
    expect(entryRow).toMatchObject({
      comparison: 'API-server create p99 added by the webhook, MCPServerEntry (client-observed, 1000 at c=16)',
      ours: { value: 8, unit: 'ms' },
      referenceName: 'Kyverno',
      reference: { value: 70, unit: 'ms' },
      status: 'met',
    });
    expect(entryRow.ratio).toBeCloseTo(8 / 70);
    expect(podRow).toMatchObject({ ours: { value: 25, unit: 'ms' }, status: 'missed' });
    expect(podRow).not.toHaveProperty('referenceName');
  });

  it('does not judge an added p99 below zero: the baseline’s own spread is larger than what the webhook adds', () => {
    const noisy = { ...measurement, bursts: [burst('pods', 'none', 1, 80), burst('pods', 'ours', 1, 55)] };
    const row = compare(results(noisy)).find((r) => r.comparison.startsWith('API-server create p99 added by the webhook, vMCP pod'))!;
    expect(row).toMatchObject({ ours: { value: -25 }, status: 'n/a', note: 'below the baseline: noise' });
  });

  it('keeps the histogram rows from before', () => {
    expect(rows.find((r) => r.comparison === `API-server-observed p99, validating ${OURS_HOOK}`)).toMatchObject({ status: 'met' });
  });

  it('adds no create rows to results without bursts', () => {
    const old = compare(results({ entries: 1000, pods: 1000, byWebhook: [call(OURS_HOOK, 9)] }));
    expect(old.some((r) => r.comparison.startsWith('API-server create'))).toBe(false);
  });

  it('renders the section with the peer’s setup and the table', () => {
    const report = renderReport(results(measurement));
    expect(report).toContain('bursts of 1000 creates at concurrency 16 (column c)');
    expect(report).toContain('Peer: Kyverno v1.19.1 out of cluster.');
    expect(report).toContain(`- validating ${OURS_HOOK}: 1000 calls, p50 4.50 ms, p99 9.00 ms`);
  });
});
