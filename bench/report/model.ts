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

export interface ApiServerMeasurement {
  entries: number;
  pods: number;
  /** From apiserver_admission_webhook_admission_duration_seconds, interpolated within histogram buckets. */
  byWebhook: { name: string; type: string; count: number; p50ms: number; p99ms: number }[];
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
