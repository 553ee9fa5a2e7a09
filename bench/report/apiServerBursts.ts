import { median } from './median.js';
import { ADMISSION_LABEL, type Admission, type ApiServerMeasurement, type BurstResource, type CreateBurst } from './model.js';

// The create bursts through the API server, one figure per resource and admission: the median over the rounds,
// and what the admission adds to the baseline's p99, paired round by round (the two bursts of a round ran a
// minute apart on the same control plane). Pure.

export interface BurstSummary {
  resource: BurstResource;
  admission: Admission;
  /** Creates in flight at once; a baseline is paired only with bursts of its own concurrency. */
  concurrency: number;
  bursts: number;
  creates: number;
  errors: number;
  firstError?: string;
  p50ms: number;
  p99ms: number;
  p99MinMs: number;
  p99MaxMs: number;
  /** Median over the rounds of this burst's p99 minus the baseline's in the same round; undefined for the baseline. */
  p99AddedMs?: number;
  ratePerSecond: number;
  /** The API server's histogram of the webhooks this admission calls, median over the rounds. */
  webhooks: { name: string; p50ms: number; p99ms: number; count: number }[];
  /** CPU ms per create of the API server and of this admission's reviewer (none for the baseline), median over rounds. */
  cpuMsPerCreate: { process: string; ms: number }[];
}

export const API_SERVER_PROCESS = 'kube-apiserver';

/** The processes whose CPU a burst's row shows: the API server, and the reviewer of that admission. */
function cpuMedians(bursts: readonly CreateBurst[], admission: Admission): BurstSummary['cpuMsPerCreate'] {
  const processes = admission === 'none' ? [API_SERVER_PROCESS] : [API_SERVER_PROCESS, ADMISSION_LABEL[admission]];
  return processes.flatMap((process) => {
    const readings = bursts.flatMap((b) => (b.cpuMsPerCreate?.[process] === undefined ? [] : [b.cpuMsPerCreate[process]]));
    return readings.length > 0 ? [{ process, ms: median(readings) }] : [];
  });
}

const RESOURCE_ORDER: readonly BurstResource[] = ['mcpserverentries', 'pods'];
const ADMISSION_ORDER: readonly Admission[] = ['none', 'ours', 'kyverno', 'gatekeeper'];
export const RESOURCE_LABEL: Record<BurstResource, string> = { mcpserverentries: 'MCPServerEntry', pods: 'vMCP pod' };

/**
 * The webhooks on the burst's path: called at least once per create. The histogram has no resource label, so a
 * webhook the API server called for something else meanwhile (Kyverno's monitor of its own Lease) shows up with
 * a handful of calls; it stays in the raw results and out of this column.
 */
function onPath(burst: CreateBurst): CreateBurst['webhooks'] {
  return burst.webhooks.filter((w) => w.count >= burst.creates);
}

function webhookMedians(bursts: readonly CreateBurst[]): BurstSummary['webhooks'] {
  const names = [...new Set(bursts.flatMap((b) => onPath(b).map((w) => w.name)))].sort();
  return names.map((name) => {
    const calls = bursts.flatMap((b) => onPath(b).filter((w) => w.name === name));
    return {
      name,
      count: calls.reduce((sum, w) => sum + w.count, 0),
      p50ms: median(calls.map((w) => w.p50ms)),
      p99ms: median(calls.map((w) => w.p99ms)),
    };
  });
}

function pairedAdded(bursts: readonly CreateBurst[], baseline: readonly CreateBurst[]): number | undefined {
  const differences = bursts.flatMap((b) => {
    const same = baseline.find((x) => x.round === b.round);
    return same ? [b.p99ms - same.p99ms] : [];
  });
  return differences.length > 0 ? median(differences) : undefined;
}

/** Concurrencies in the order the bursts first ran them. */
export function burstConcurrencies(measurement: ApiServerMeasurement | undefined): number[] {
  return [...new Set((measurement?.bursts ?? []).map((b) => b.concurrency))];
}

export function summarizeBursts(measurement: ApiServerMeasurement | undefined): BurstSummary[] {
  const all = measurement?.bursts ?? [];
  return burstConcurrencies(measurement).flatMap((concurrency) =>
    RESOURCE_ORDER.flatMap((resource) => summarizeResource(all, resource, concurrency)),
  );
}

function summarizeResource(all: readonly CreateBurst[], resource: BurstResource, concurrency: number): BurstSummary[] {
  const ofResource = all.filter((b) => b.resource === resource && b.concurrency === concurrency);
  const baseline = ofResource.filter((b) => b.admission === 'none');
  return ADMISSION_ORDER.flatMap((admission): BurstSummary[] => {
    const bursts = ofResource.filter((b) => b.admission === admission);
    if (bursts.length === 0) return [];
    const p99s = bursts.map((b) => b.p99ms);
    const summary: BurstSummary = {
      resource,
      admission,
      concurrency,
      bursts: bursts.length,
      creates: bursts.reduce((sum, b) => sum + b.creates, 0),
      errors: bursts.reduce((sum, b) => sum + b.errors, 0),
      p50ms: median(bursts.map((b) => b.p50ms)),
      p99ms: median(p99s),
      p99MinMs: Math.min(...p99s),
      p99MaxMs: Math.max(...p99s),
      ratePerSecond: median(bursts.map((b) => b.ratePerSecond)),
      webhooks: webhookMedians(bursts),
      cpuMsPerCreate: cpuMedians(bursts, admission),
    };
    const firstError = bursts.find((b) => b.firstError)?.firstError;
    if (firstError) summary.firstError = firstError;
    const added = admission === 'none' ? undefined : pairedAdded(bursts, baseline);
    if (added !== undefined) summary.p99AddedMs = added;
    return [summary];
  });
}

export function findSummary(
  summaries: readonly BurstSummary[],
  resource: BurstResource,
  admission: Admission,
  concurrency: number,
): BurstSummary | undefined {
  return summaries.find((s) => s.resource === resource && s.admission === admission && s.concurrency === concurrency);
}

export function admissionLabel(admission: Admission): string {
  return ADMISSION_LABEL[admission];
}
