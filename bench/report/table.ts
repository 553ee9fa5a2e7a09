import { loadMetric, type ComparisonRow, type CrossCheck, type Quantity, type Target } from './compare.js';
import { spread } from './median.js';
import { DIRECT, type BenchResults, type LoadClient, type ProxyMeasurement } from './model.js';

// Markdown tables for the terminal and docs/benchmarks.md. Pure: results in, text out.

export function formatQuantity(q: Quantity | undefined): string {
  if (!q) return '—';
  switch (q.unit) {
    case 'us':
      // Sub-millisecond values in µs, larger ones in ms: both stay readable in one column.
      return Math.abs(q.value) < 1000 ? `${Math.round(q.value)} µs` : `${(q.value / 1000).toFixed(2)} ms`;
    case 'rps':
      return `${Math.round(q.value).toLocaleString('en-US')}/s`;
    case 'MB':
      return `${q.value % 1 === 0 ? q.value : q.value.toFixed(1)} MB`;
    case 'ms':
      return `${q.value % 1 === 0 ? q.value : q.value.toFixed(2)} ms`;
  }
}

function formatTarget(target: Target | undefined): string {
  if (!target) return '';
  const sign = target.kind.endsWith('max') ? '≤' : '≥';
  if (target.kind.startsWith('ratio') || !target.unit) return `${sign} ${target.bound}x`;
  return `${sign} ${formatQuantity({ value: target.bound, unit: target.unit })}`;
}

function formatStatus(row: ComparisonRow): string {
  if (row.status === 'met') return 'met';
  if (row.status === 'missed') return '**missed**';
  return row.note ?? '';
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const CLIENT_LABEL: Record<LoadClient, string> = { go: 'Go client', wrk: 'wrk' };

function formatCrossCheck(c: CrossCheck | undefined): string {
  if (!c) return '';
  const ratio = c.ratio === undefined ? '' : ` = ${c.ratio.toFixed(2)}x`;
  return `${CLIENT_LABEL[c.client]}: ${formatQuantity(c.ours)} / ${formatQuantity(c.reference)}${ratio}`;
}

export function ratioTable(rows: readonly ComparisonRow[]): string {
  return markdownTable(
    ['comparison', 'judged on', 'sidecar', 'reference', 'ratio', 'target', 'result', 'other client: sidecar / reference'],
    rows.map((row) => [
      row.comparison,
      row.client ? CLIENT_LABEL[row.client] : '',
      formatQuantity(row.ours),
      row.referenceName ? `${row.referenceName} ${formatQuantity(row.reference)}` : '',
      row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
      formatTarget(row.target),
      formatStatus(row),
      formatCrossCheck(row.crossCheck),
    ]),
  );
}

/** Every proxy run with its raw numbers, so a ratio can be traced to what was measured. */
/** `median (min–max)` over the interleaved runs; just the value when there was one run. */
function withSpread(m: ProxyMeasurement, key: 'p50us' | 'rps'): string {
  const unit = key === 'rps' ? 'rps' : 'us';
  const value = formatQuantity({ value: m.load[key], unit });
  if (!m.runs || m.runs.length < 2) return value;
  const { min, max } = spread(m.runs, key);
  return `${value} (${formatQuantity({ value: min, unit })}–${formatQuantity({ value: max, unit })})`;
}

export function detailTable(results: BenchResults): string {
  const rows = results.proxy.map((m) => {
    const client = m.client ?? 'go';
    const added = (metric: 'p50Added' | 'p99Added'): string =>
      m.target === DIRECT ? '' : formatQuantity(loadMetric(results.proxy, m.protocol, m.target, m.concurrency, metric, client));
    const rss = results.rss.find((r) => r.protocol === m.protocol)?.readings.find((r) => r.target === m.target);
    return [
      m.protocol,
      m.target,
      String(m.concurrency),
      CLIENT_LABEL[client],
      String(m.runs?.length ?? 1),
      withSpread(m, 'p50us'),
      formatQuantity({ value: m.load.p99us, unit: 'us' }),
      added('p50Added'),
      added('p99Added'),
      withSpread(m, 'rps'),
      m.load.errors === 0 ? '0' : `${m.load.errors} (${m.load.firstError ?? ''})`,
      rss ? `${(rss.idleKb / 1024).toFixed(1)} / ${(rss.peakKb / 1024).toFixed(1)} MB` : '',
    ];
  });
  return markdownTable(
    [
      'protocol',
      'target',
      'c',
      'client',
      'runs',
      'p50 (min–max)',
      'p99',
      'p50 added',
      'p99 added',
      'req/s (min–max)',
      'errors',
      'RSS idle / peak',
    ],
    rows,
  );
}

export function machineLine(results: BenchResults): string {
  const m = results.machine;
  return (
    `Run ${results.startedAt} in ${Math.round(results.durationSeconds)} s on ${m.cpus} cores (${m.cpuModel}), ` +
    `load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}` +
    (m.loadAverageAtEnd ? `, at end ${m.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')} (the bench's own load included)` : '') +
    `, node ${m.node}, ${m.pinning}. ` +
    'Absolute numbers vary between machines; the ratios, measured side by side in the same run, are what we track.'
  );
}
