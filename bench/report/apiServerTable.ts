import { RESOURCE_LABEL, admissionLabel, burstConcurrencies, summarizeBursts, type BurstSummary } from './apiServerBursts.js';
import type { ApiServerMeasurement } from './model.js';
import { markdownTable } from './table.js';

// The API-server part of the report: per resource and admission, the client-observed create latency, what the
// admission adds to the baseline, the burst's rate, and the API server's own histogram of the webhook calls.

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '' : `${value.toFixed(1)} ms`);

function histogramCell(s: BurstSummary): string {
  if (s.webhooks.length === 0) return s.admission === 'none' ? 'none on its path' : '';
  return s.webhooks.map((w) => `${w.name}: ${ms(w.p50ms)} / ${ms(w.p99ms)}`).join('; ');
}

function row(s: BurstSummary): string[] {
  return [
    RESOURCE_LABEL[s.resource],
    String(s.concurrency),
    admissionLabel(s.admission),
    String(s.bursts),
    ms(s.p50ms),
    s.bursts > 1 ? `${ms(s.p99ms)} (${ms(s.p99MinMs)}–${ms(s.p99MaxMs)})` : ms(s.p99ms),
    s.admission === 'none' ? '' : ms(s.p99AddedMs),
    `${Math.round(s.ratePerSecond).toLocaleString('en-US')}/s`,
    histogramCell(s),
    s.cpuMsPerCreate.map((c) => `${c.process} ${c.ms.toFixed(2)} ms`).join('; '),
    s.errors === 0 ? '0' : `${s.errors} (${s.firstError ?? ''})`,
  ];
}

export function burstTable(measurement: ApiServerMeasurement): string {
  return markdownTable(
    [
      'creates',
      'c',
      'reviewed by',
      'bursts',
      'p50',
      'p99 (min–max)',
      'p99 added',
      'creates/s',
      'API server histogram p50 / p99 per webhook',
      'CPU per create',
      'errors',
    ],
    summarizeBursts(measurement).map(row),
  );
}

export function apiServerSection(measurement: ApiServerMeasurement | undefined): string[] {
  if (!measurement) return [];
  const lines = [
    '',
    `Through a real kube-apiserver, from apiserver_admission_webhook_admission_duration_seconds over the whole part ` +
      `(${measurement.entries} MCPServerEntries and ${measurement.pods} pods through our webhooks):`,
    ...measurement.byWebhook.map(
      (w) => `- ${w.type} ${w.name}: ${w.count} calls, p50 ${w.p50ms.toFixed(2)} ms, p99 ${w.p99ms.toFixed(2)} ms`,
    ),
  ];
  const bursts = measurement.bursts ?? [];
  if (bursts.length === 0) return lines;
  const sizes = burstConcurrencies(measurement)
    .map((c) => `${bursts.find((b) => b.concurrency === c)!.creates} creates at concurrency ${c}`)
    .join(' and of ');
  return [
    ...lines,
    '',
    `Create latency as the client sees it (each create's round trip), bursts of ${sizes} (column c), ` +
      'the admissions alternating round by round on the same control plane, each in its own namespace (webhook namespace ' +
      'selectors keep the others out; the baseline namespace is selected by none). p99 added = p99 minus the baseline ' +
      "burst's of the same round and concurrency (median over rounds); creates/s = successful creates over the burst's wall time. The " +
      'histogram column is the API server timing its calls to each webhook during those bursts (bucket-interpolated); ' +
      'CPU per create is what the API server and the reviewer spent during the burst over its creates (from /proc, so ' +
      'other work on the machine does not count).' +
      (measurement.peer ? ` Peer: ${measurement.peer.setup}.` : ''),
    '',
    burstTable(measurement),
  ];
}
