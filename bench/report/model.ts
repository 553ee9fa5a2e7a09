// The shapes of one bench run, as written to bench/results/latest.json. Plain data only.

/** One closed-loop or fixed-rate run as reported by the Go load generator (latencies in microseconds). */
export interface LoadSummary {
  requests: number;
  errors: number;
  firstError?: string;
  seconds: number;
  rps: number;
  p50us: number;
  p90us: number;
  p99us: number;
  maxUs: number;
  meanUs: number;
  truncated?: boolean;
  /** Answers the server shed (the webhook's "overloaded" answer): neither errors nor latencies. */
  shed?: number;
  /** Open loop: requests not sent because the client's cap of outstanding ones was reached (the server fell behind). */
  notSent?: number;
  /** The protocol of the first response (HTTP/1.1, HTTP/2.0). */
  proto?: string;
}

export type Protocol = 'http' | 'https';

/** `direct` is the client talking to the upstream itself: the baseline every added latency is measured against. */
export const DIRECT = 'direct';
export const OURS = 'sidecar';

/** `go`: bench/loadgen, proxying like vMCP. `wrk`: the standard independent HTTP benchmark client, as a cross-check. */
export type LoadClient = 'go' | 'wrk';
export const LOAD_CLIENTS: readonly LoadClient[] = ['go', 'wrk'];

export interface ProxyMeasurement {
  protocol: Protocol;
  target: string;
  concurrency: number;
  /** Absent in results from before issue 23: those were all `go`. */
  client?: LoadClient;
  /** The median of `runs`, field by field (errors summed). */
  load: LoadSummary;
  /** Each interleaved repeat, in run order (absent before issue 23: one run, `load`). */
  runs?: LoadSummary[];
}

/** Resident memory of a peer's whole process group (VmRSS summed), idle after start and the peak under load. */
export interface RssReading {
  target: string;
  idleKb: number;
  peakKb: number;
}

export interface SseResult {
  streams: number;
  connected: number;
  connectSeconds: number;
  events: number;
  errors: number;
  firstError?: string;
  p50us: number;
  p99us: number;
  maxUs: number;
}

export interface SseMeasurement {
  direct?: SseResult;
  sidecar: SseResult;
  sidecarRssIdleKb: number;
  sidecarRssPeakKb: number;
}

export interface WebhookRateRun {
  route: 'validate' | 'mutate';
  rate: number;
  load: LoadSummary;
}

export interface WebhookMeasurement {
  rateRuns: WebhookRateRun[];
  /** Closed-loop throughput with the webhook pinned to one core: the max sustainable review rate. */
  maxRate: { route: 'validate' | 'mutate'; concurrency: number; load: LoadSummary }[];
}

/** One webhook's calls as the API server timed them (apiserver_admission_webhook_admission_duration_seconds). */
export interface WebhookLatency {
  name: string;
  type: string;
  count: number;
  /** Interpolated within the histogram's buckets, like histogram_quantile. */
  p50ms: number;
  p99ms: number;
}

/** Who reviews the creates of a burst: nobody (the baseline), our webhook, or the peer policy engine. */
export type Admission = 'none' | 'ours' | 'kyverno' | 'gatekeeper';
export const ADMISSION_LABEL: Record<Admission, string> = {
  none: 'no webhook (baseline)',
  ours: 'mcp-header-forward',
  kyverno: 'Kyverno',
  gatekeeper: 'Gatekeeper',
};

export type BurstResource = 'mcpserverentries' | 'pods';

/** What the client recorded for one burst: each successful create's round trip, the failures, the wall time. */
export interface CreateBurstTimings {
  okMs: number[];
  errors: string[];
  wallMs: number;
  concurrency: number;
}

/** One burst of creates through the API server, client-observed (each create's round trip). */
export interface CreateBurst {
  admission: Admission;
  resource: BurstResource;
  /** Bursts of the admissions alternate round by round on the same control plane. */
  round: number;
  creates: number;
  errors: number;
  firstError?: string;
  concurrency: number;
  seconds: number;
  /** Successful creates over the burst's wall time. */
  ratePerSecond: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
  /** The API server's histogram over this burst alone (its /metrics before and after), per webhook it called. */
  webhooks: WebhookLatency[];
  /** CPU milliseconds per create each process spent during the burst (from /proc), by process. */
  cpuMsPerCreate?: Record<string, number>;
}

export interface ApiServerMeasurement {
  entries: number;
  pods: number;
  /** Our webhooks over the whole part, from apiserver_admission_webhook_admission_duration_seconds. */
  byWebhook: WebhookLatency[];
  /** Absent in results from before issue 21. */
  bursts?: CreateBurst[];
  /** The peer that ran the same Secret check, and how it was set up. */
  peer?: { admission: Admission; version: string; setup: string };
}

export interface ProfileHotspot {
  functionName: string;
  location: string;
  selfPercent: number;
}

/** A part of the bench that could not run, and why (shown as one line in the report). */
export interface Skip {
  part: string;
  reason: string;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  node: string;
  kernel: string;
  pinning: string;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  peers: Record<string, string>;
  skips: Skip[];
  proxy: ProxyMeasurement[];
  rss: { protocol: Protocol; readings: RssReading[] }[];
  sse?: SseMeasurement;
  webhook?: WebhookMeasurement;
  apiServer?: ApiServerMeasurement;
  /** `node --cpu-prof` of our processes, taken when one of their targets was missed. */
  profiles?: { target: 'sidecar' | 'webhook'; scenario: string; hotspots: ProfileHotspot[] }[];
}
