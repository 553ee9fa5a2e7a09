import { DEFAULT_TIMEOUT_SECONDS } from '../../webhook/registrations/webhookConfigurations.js';
import { RESOURCE_LABEL, burstConcurrencies, findSummary, summarizeBursts, type BurstSummary } from './apiServerBursts.js';
import {
  ADMISSION_LABEL,
  DIRECT,
  OURS,
  type Admission,
  type BenchResults,
  type BurstResource,
  type LoadClient,
  type LoadSummary,
  type Protocol,
  type ProxyMeasurement,
} from './model.js';

// Turns one run's measurements into the rows of the ratio table and judges each against the targets.

export type Unit = 'us' | 'rps' | 'MB' | 'ms';

export interface Quantity {
  value: number;
  unit: Unit;
}

/** `ratio-*` bounds ours / reference; `abs-*` bounds ours itself. */
export interface Target {
  kind: 'ratio-max' | 'ratio-min' | 'abs-max' | 'abs-min';
  bound: number;
  /** The bound's unit, for absolute targets. */
  unit?: Unit;
}

export type Status = 'met' | 'missed' | 'n/a';

export type Subject = 'sidecar' | 'webhook';

export interface ComparisonRow {
  /** Whose number this is: the process to profile when the row misses its target. */
  subject: Subject;
  comparison: string;
  ours?: Quantity;
  referenceName?: string;
  reference?: Quantity;
  ratio?: number;
  target?: Target;
  status: Status;
  /** Why a row could not be judged (peer skipped, noise, part not run). */
  note?: string;
  /** The same comparison by the other client, shown beside the judged one and not judged itself. */
  crossCheck?: CrossCheck;
  /** The client whose figures this row is judged on (peer comparisons only). */
  client?: LoadClient;
}

export interface CrossCheck {
  client: LoadClient;
  ours: Quantity;
  reference: Quantity;
  ratio?: number;
}

type LoadMetric = 'p50Added' | 'p99Added' | 'rps';

interface PeerComparison {
  protocol: Protocol;
  metric: LoadMetric;
  peer: string;
  peerLabel: string;
  concurrency: number;
  target?: Target;
}

const ratioMax = (bound: number): Target => ({ kind: 'ratio-max', bound });
const ratioMin = (bound: number): Target => ({ kind: 'ratio-min', bound });

/** The side-by-side comparisons of issue 8; targets only where the issue sets one. */
export const PEER_COMPARISONS: readonly PeerComparison[] = [
  ...[1, 16, 64].map((c) => ({
    protocol: 'http' as const,
    metric: 'p50Added' as const,
    peer: 'nginx',
    peerLabel: 'nginx',
    concurrency: c,
    target: ratioMax(1.2),
  })),
  ...[1, 16, 64].map((c) => ({
    protocol: 'http' as const,
    metric: 'p50Added' as const,
    peer: 'squid',
    peerLabel: 'squid',
    concurrency: c,
    target: ratioMax(0.5),
  })),
  ...[1, 64].map((c) => ({
    protocol: 'http' as const,
    metric: 'p50Added' as const,
    peer: 'mitmproxy',
    peerLabel: 'mitmproxy',
    concurrency: c,
  })),
  ...[1, 64].map((c) => ({ protocol: 'http' as const, metric: 'p99Added' as const, peer: 'nginx', peerLabel: 'nginx', concurrency: c })),
  ...[16, 64].map((c) => ({
    protocol: 'http' as const,
    metric: 'rps' as const,
    peer: 'nginx',
    peerLabel: 'nginx',
    concurrency: c,
    target: ratioMin(0.8),
  })),
  ...[64].map((c) => ({ protocol: 'http' as const, metric: 'rps' as const, peer: 'squid', peerLabel: 'squid', concurrency: c })),
  ...[1, 16, 64].map((c) => ({
    protocol: 'https' as const,
    metric: 'p50Added' as const,
    peer: 'squid',
    peerLabel: 'squid ssl-bump',
    concurrency: c,
    target: ratioMax(1),
  })),
  ...[1, 64].map((c) => ({
    protocol: 'https' as const,
    metric: 'p50Added' as const,
    peer: 'mitmproxy',
    peerLabel: 'mitmproxy',
    concurrency: c,
  })),
  ...[64].map((c) => ({ protocol: 'https' as const, metric: 'rps' as const, peer: 'squid', peerLabel: 'squid ssl-bump', concurrency: c })),
];

const METRIC_LABEL: Record<LoadMetric, string> = {
  p50Added: 'p50 added latency',
  p99Added: 'p99 added latency',
  rps: 'throughput',
};

function find(ms: readonly ProxyMeasurement[], protocol: Protocol, target: string, c: number, client: LoadClient): LoadSummary | undefined {
  return ms.find((m) => m.protocol === protocol && m.target === target && m.concurrency === c && (m.client ?? 'go') === client)?.load;
}

/** Added latency is the proxy's percentile minus the direct run's at the same concurrency. */
export function loadMetric(
  ms: readonly ProxyMeasurement[],
  protocol: Protocol,
  target: string,
  c: number,
  metric: LoadMetric,
  client: LoadClient = 'go',
): Quantity | undefined {
  const run = find(ms, protocol, target, c, client);
  if (!run || run.requests === 0) return undefined;
  if (metric === 'rps') return { value: run.rps, unit: 'rps' };
  const direct = find(ms, protocol, DIRECT, c, client);
  if (!direct || direct.requests === 0) return undefined;
  const key = metric === 'p50Added' ? 'p50us' : 'p99us';
  return { value: run[key] - direct[key], unit: 'us' };
}

export function judge(
  ours: number | undefined,
  reference: number | undefined,
  target: Target | undefined,
): Pick<ComparisonRow, 'ratio' | 'status' | 'note'> {
  if (ours === undefined) return { status: 'n/a', note: 'not measured' };
  if (target?.kind === 'abs-max') return { status: ours <= target.bound ? 'met' : 'missed' };
  if (target?.kind === 'abs-min') return { status: ours >= target.bound ? 'met' : 'missed' };
  if (reference === undefined) return { status: 'n/a', note: 'reference not measured' };
  // A peer that adds nothing measurable (noise at or below direct) leaves no meaningful ratio.
  if (reference <= 0) return { status: 'n/a', note: 'reference adds no measurable latency' };
  const ratio = Math.max(ours, 0) / reference;
  if (!target) return { ratio, status: 'n/a' };
  const met = target.kind === 'ratio-max' ? ratio <= target.bound : ratio >= target.bound;
  return { ratio, status: met ? 'met' : 'missed' };
}

/**
 * The goals are judged on wrk where it ran (HTTP): its own cost per request is small and constant, so it agrees with
 * what nginx and the sidecar add. The Go client adds tens of µs more to every proxied request than to a direct one
 * (docs/benchmarks.md, Method); it stays the judge for HTTPS, where wrk cannot CONNECT.
 */
export function judgedClient(ms: readonly ProxyMeasurement[], protocol: Protocol): LoadClient {
  return ms.some((m) => m.protocol === protocol && m.client === 'wrk') ? 'wrk' : 'go';
}

function crossCheck(results: BenchResults, spec: PeerComparison, client: LoadClient): CrossCheck | undefined {
  const ours = loadMetric(results.proxy, spec.protocol, OURS, spec.concurrency, spec.metric, client);
  const reference = loadMetric(results.proxy, spec.protocol, spec.peer, spec.concurrency, spec.metric, client);
  if (!ours || !reference) return undefined;
  const { ratio } = judge(ours.value, reference.value, undefined);
  return { client, ours, reference, ...(ratio === undefined ? {} : { ratio }) };
}

function peerRows(results: BenchResults): ComparisonRow[] {
  return PEER_COMPARISONS.map((spec) => {
    const client = judgedClient(results.proxy, spec.protocol);
    const ours = loadMetric(results.proxy, spec.protocol, OURS, spec.concurrency, spec.metric, client);
    const reference = loadMetric(results.proxy, spec.protocol, spec.peer, spec.concurrency, spec.metric, client);
    const row: ComparisonRow = {
      subject: 'sidecar',
      client,
      comparison: `${spec.protocol.toUpperCase()} ${METRIC_LABEL[spec.metric]}, c=${spec.concurrency}`,
      referenceName: spec.peerLabel,
      ...judge(ours?.value, reference?.value, spec.target),
    };
    if (ours) row.ours = ours;
    if (reference) row.reference = reference;
    if (spec.target) row.target = spec.target;
    const other = crossCheck(results, spec, client === 'go' ? 'wrk' : 'go');
    if (other) row.crossCheck = other;
    return row;
  });
}

function absoluteRow(subject: Subject, comparison: string, ours: Quantity | undefined, target: Target): ComparisonRow {
  const row: ComparisonRow = { subject, comparison, target, ...judge(ours?.value, undefined, target) };
  if (ours) row.ours = ours;
  return row;
}

const mb = (kb: number): Quantity => ({ value: kb / 1024, unit: 'MB' });
const ms = (us: number): Quantity => ({ value: us / 1000, unit: 'ms' });

function sidecarIdleRssKb(results: BenchResults): number | undefined {
  const reading = results.rss.find((r) => r.protocol === 'http')?.readings.find((r) => r.target === OURS);
  return reading?.idleKb;
}

/** The last open-loop rate of the webhook phase (bench/scenarios/webhook.ts): about twice its best. */
export const OVERLOAD_RATE = 4000;
const WEBHOOK_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;

function webhookRows(results: BenchResults): ComparisonRow[] {
  const rows: ComparisonRow[] = [];
  for (const route of ['validate', 'mutate'] as const) {
    const at1000 = results.webhook?.rateRuns.find((r) => r.route === route && r.rate === 1000);
    // A shed or unsent review has no latency: a run with any does not show the p99 of the rate asked for.
    const clean =
      at1000 && at1000.load.errors === 0 && (at1000.load.shed ?? 0) === 0 && (at1000.load.notSent ?? 0) === 0
        ? ms(at1000.load.p99us)
        : undefined;
    rows.push(absoluteRow('webhook', `webhook /${route} p99 at 1000 rps`, clean, { kind: 'abs-max', bound: 1, unit: 'ms' }));
    const overload = results.webhook?.rateRuns.find((r) => r.route === route && r.rate === OVERLOAD_RATE);
    if (overload) {
      // Twice the best rate: the reviews it runs must still be answered inside the API server's webhook timeout, with no errors.
      const row = absoluteRow(
        'webhook',
        `webhook /${route} p99 of the reviews run at ${OVERLOAD_RATE} rps (overload), no errors`,
        ms(overload.load.p99us),
        {
          kind: 'abs-max',
          bound: WEBHOOK_TIMEOUT_MS,
          unit: 'ms',
        },
      );
      rows.push(overload.load.errors === 0 ? row : { ...row, status: 'missed' });
    }
    const max = results.webhook?.maxRate.find((r) => r.route === route);
    rows.push(
      absoluteRow('webhook', `webhook /${route} max reviews/s (one core)`, max ? { value: max.load.rps, unit: 'rps' } : undefined, {
        kind: 'abs-min',
        bound: 5000,
        unit: 'rps',
      }),
    );
  }
  for (const webhook of results.apiServer?.byWebhook ?? []) {
    rows.push(
      absoluteRow(
        'webhook',
        `API-server-observed p99, ${webhook.type} ${webhook.name}`,
        { value: webhook.p99ms, unit: 'ms' },
        { kind: 'abs-max', bound: 10, unit: 'ms' },
      ),
    );
  }
  if (!results.apiServer)
    rows.push(absoluteRow('webhook', 'API-server-observed webhook p99', undefined, { kind: 'abs-max', bound: 10, unit: 'ms' }));
  return [...rows, ...createAddedRows(results)];
}

/**
 * Issue 21: what our webhook adds to the client-observed create p99 of a burst through the API server, against the
 * baseline without a webhook, with the peer's figure beside it (the ratio is shown, the goal bounds ours alone).
 */
function createAddedRows(results: BenchResults): ComparisonRow[] {
  const bursts = results.apiServer?.bursts;
  if (!bursts) return [];
  const summaries = summarizeBursts(results.apiServer);
  const target: Target = { kind: 'abs-max', bound: 10, unit: 'ms' };
  return burstConcurrencies(results.apiServer).flatMap((concurrency) =>
    (['mcpserverentries', 'pods'] as const).map((resource) => addedRow(results, summaries, resource, concurrency, target)),
  );
}

/** One resource at one concurrency: our added p99 judged, the peer's beside it. */
function addedRow(
  results: BenchResults,
  summaries: readonly BurstSummary[],
  resource: BurstResource,
  concurrency: number,
  target: Target,
): ComparisonRow {
  const creates = results.apiServer!.bursts!.find((b) => b.concurrency === concurrency)!.creates;
  const added = (admission: Admission): Quantity | undefined => {
    const value = findSummary(summaries, resource, admission, concurrency)?.p99AddedMs;
    return value === undefined ? undefined : { value, unit: 'ms' };
  };
  const ours = added('ours');
  const peer = results.apiServer?.peer;
  const reference = resource === 'mcpserverentries' && peer ? added(peer.admission) : undefined;
  const row: ComparisonRow = {
    subject: 'webhook',
    comparison: `API-server create p99 added by the webhook, ${RESOURCE_LABEL[resource]} (client-observed, ${creates} at c=${concurrency})`,
    target,
    // Below the baseline is not a webhook making creates faster: the rounds disagree more than the webhook adds.
    ...(ours && ours.value < 0 ? { status: 'n/a' as const, note: 'below the baseline: noise' } : judge(ours?.value, undefined, target)),
  };
  if (ours) row.ours = ours;
  if (peer && resource === 'mcpserverentries') row.referenceName = ADMISSION_LABEL[peer.admission];
  if (reference) row.reference = reference;
  if (ours && reference && reference.value > 0) row.ratio = Math.max(ours.value, 0) / reference.value;
  return row;
}

function rssAndSseRows(results: BenchResults): ComparisonRow[] {
  const idle = sidecarIdleRssKb(results);
  const sse = results.sse;
  return [
    absoluteRow('sidecar', 'sidecar RSS idle', idle === undefined ? undefined : mb(idle), { kind: 'abs-max', bound: 60, unit: 'MB' }),
    absoluteRow(
      'sidecar',
      `sidecar RSS with ${sse?.sidecar.connected ?? 1000} open SSE streams`,
      sse ? mb(sse.sidecarRssPeakKb) : undefined,
      { kind: 'abs-max', bound: 120, unit: 'MB' },
    ),
    absoluteRow(
      'sidecar',
      'SSE event delivery delay p99 through the sidecar',
      sse && sse.sidecar.errors === 0 ? ms(sse.sidecar.p99us) : undefined,
      { kind: 'abs-max', bound: 1, unit: 'ms' },
    ),
  ];
}

export function compare(results: BenchResults): ComparisonRow[] {
  return [...peerRows(results), ...rssAndSseRows(results), ...webhookRows(results)];
}

/** The rows whose target was missed: these are what the profile has to explain. */
export function missed(rows: readonly ComparisonRow[], subject?: Subject): ComparisonRow[] {
  return rows.filter((r) => r.status === 'missed' && (subject === undefined || r.subject === subject));
}
