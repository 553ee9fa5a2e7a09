import { apiServerSection } from './apiServerTable.js';
import { compare, type ComparisonRow } from './compare.js';
import type { BenchResults } from './model.js';
import { hotspotTable } from './profile.js';
import { detailTable, formatQuantity, machineLine, ratioTable } from './table.js';

// The whole report as markdown: printed by `make bench` and placed in docs/benchmarks.md.

function sseLines(results: BenchResults): string[] {
  const sse = results.sse;
  if (!sse) return [];
  const line = (label: string, r: NonNullable<typeof sse.direct>): string =>
    `- ${label}: ${r.connected}/${r.streams} streams open in ${r.connectSeconds.toFixed(2)} s, ${r.events} events, ` +
    `delay p50 ${formatQuantity({ value: r.p50us / 1000, unit: 'ms' })}, p99 ${formatQuantity({ value: r.p99us / 1000, unit: 'ms' })}` +
    (r.errors > 0 ? `, ${r.errors} errors (${r.firstError ?? ''})` : '');
  return [
    '',
    'SSE (one event per stream per second, delay = upstream write to client read):',
    ...(sse.direct ? [line('direct', sse.direct)] : []),
    line('through the sidecar', sse.sidecar),
  ];
}

export function webhookLines(results: BenchResults): string[] {
  const w = results.webhook;
  if (!w) return [];
  const lines = [
    '',
    'Webhook (HTTPS, client-observed on loopback, the client behaving like kube-apiserver\'s webhook client; latency counted from when each request was due, of the reviews the webhook ran; shed: answered "overloaded" without being run; not sent: due while 512 were outstanding, as an API server at its own in-flight limit refuses creates):',
  ];
  for (const run of w.rateRuns) {
    const shed = run.load.shed ?? 0;
    const notSent = run.load.notSent ?? 0;
    lines.push(
      `- /${run.route} at ${run.rate} rps: p50 ${formatQuantity({ value: run.load.p50us / 1000, unit: 'ms' })}, ` +
        `p99 ${formatQuantity({ value: run.load.p99us / 1000, unit: 'ms' })}, achieved ${Math.round(run.load.rps)}/s, errors ${run.load.errors}` +
        `${shed > 0 ? `, shed ${shed} (${Math.round((100 * shed) / (run.rate * run.load.seconds))}% of those sent)` : ''}` +
        `${notSent > 0 ? `, not sent ${notSent}` : ''}`,
    );
  }
  for (const max of w.maxRate) {
    lines.push(
      `- /${max.route} closed loop c=${max.concurrency}: ${Math.round(max.load.rps)} reviews/s, p99 ${formatQuantity({ value: max.load.p99us / 1000, unit: 'ms' })}`,
    );
  }
  return lines;
}

function profileLines(results: BenchResults): string[] {
  return (results.profiles ?? []).flatMap((p) => [
    '',
    `Where the ${p.target}'s CPU goes (node --cpu-prof, ${p.scenario}, self time):`,
    '',
    hotspotTable(p.hotspots),
  ]);
}

export function renderReport(results: BenchResults, rows: readonly ComparisonRow[] = compare(results)): string {
  return [
    machineLine(results),
    '',
    ...results.skips.map((s) => `- skipped ${s.part}: ${s.reason}`),
    ...(results.skips.length > 0 ? [''] : []),
    ratioTable(rows),
    '',
    'Raw runs. Each target ran several times per concurrency, interleaved with the others; the figures are the median ' +
      'with the spread over the runs. Go client (bench/loadgen, like vMCP: forward proxies via the proxy URL with CONNECT for ' +
      'https, nginx as a reverse proxy; fixed request count per run) and wrk (HTTP only, fixed duration per run, absolute-form ' +
      'request targets to forward proxies). Added latency is the p50/p99 minus the direct run by the same client. The goals ' +
      'are judged on wrk for HTTP and on the Go client for HTTPS (see Method above):',
    '',
    detailTable(results),
    ...sseLines(results),
    ...webhookLines(results),
    ...apiServerSection(results.apiServer),
    ...profileLines(results),
  ].join('\n');
}
