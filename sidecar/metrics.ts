// Prometheus metrics of the sidecar, on their own registry (no process-global state between instances).
// Labels carry entry names and outcomes only: never header values.
import type { Counter as CounterType, Gauge as GaugeType, Histogram as HistogramType } from 'prom-client';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from './promCore.js';

export type Outcome = 'forwarded' | 'upstream_error' | 'client_aborted' | 'bad_request';
/** Label for requests that matched no route. */
export const UNROUTED = '(none)';

/** The labelled children of one route, looked up once (prom-client hashes the label object on every call). */
export interface RouteMetrics {
  requests: Record<Outcome, CounterType.Internal>;
  upstreamSeconds: HistogramType.Internal<'route'>;
}

export interface SidecarMetrics {
  registry: Registry;
  /** Cached per route label; labels are bounded (the configured entries plus UNROUTED). */
  forRoute(route: string): RouteMetrics;
  requests: CounterType<'route' | 'outcome'>;
  upstreamSeconds: HistogramType<'route'>;
  openTunnels: GaugeType<'kind'>;
  /** Connections refused at a limit, by which limit. */
  refusedConnections: CounterType<'reason'>;
  /** Sealed placeholders seen in requests: swapped on their route, or passed on unchanged everywhere else. */
  sealedHeaders: CounterType<'route' | 'outcome'>;
  /** Requests being forwarded now: a plain count, read by the open_streams gauge at scrape time (no metric call per request). */
  openStreams: { count: number };
  caExpiry: GaugeType;
}

export function createSidecarMetrics(): SidecarMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mcp_header_forward_sidecar_' });
  const byRoute = new Map<string, RouteMetrics>();
  const openStreams = { count: 0 };
  new Gauge({
    name: 'mcp_header_forward_sidecar_open_streams',
    help: 'Requests currently being forwarded (includes long-lived SSE streams)',
    registers: [registry],
    collect() {
      this.set(openStreams.count);
    },
  });
  const metrics: SidecarMetrics = {
    registry,
    forRoute(route) {
      let cached = byRoute.get(route);
      if (cached === undefined) {
        const outcome = (o: Outcome): CounterType.Internal => metrics.requests.labels({ route, outcome: o });
        const requests = {
          forwarded: outcome('forwarded'),
          upstream_error: outcome('upstream_error'),
          client_aborted: outcome('client_aborted'),
          bad_request: outcome('bad_request'),
        };
        cached = { requests, upstreamSeconds: metrics.upstreamSeconds.labels({ route }) };
        byRoute.set(route, cached);
      }
      return cached;
    },
    requests: new Counter({
      name: 'mcp_header_forward_sidecar_requests_total',
      help: 'Proxied HTTP requests by matched route (MCPServerEntry namespace/name, or "(none)") and outcome',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    }),
    upstreamSeconds: new Histogram({
      name: 'mcp_header_forward_sidecar_upstream_duration_seconds',
      help: 'Time from sending a request upstream to receiving its response headers',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    openTunnels: new Gauge({
      name: 'mcp_header_forward_sidecar_open_tunnels',
      help: 'Open CONNECT tunnels: "intercepted" (routed host, TLS terminated) or "blind" (passed through)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    refusedConnections: new Counter({
      name: 'mcp_header_forward_sidecar_refused_connections_total',
      help: 'Client connections refused at a limit: "max_intercepted" (CONNECT answered 503) or "max_connections" (dropped by the listener)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    sealedHeaders: new Counter({
      name: 'mcp_header_forward_sidecar_sealed_headers_total',
      help: 'Header values that are a sealed placeholder, by route and outcome: "unsealed" (the Secret value was put in on its route) or "passed_through" (sent on unchanged: another route, an unrouted host, or not the exact placeholder)',
      labelNames: ['route', 'outcome'],
      registers: [registry],
    }),
    openStreams,
    caExpiry: new Gauge({
      name: 'mcp_header_forward_sidecar_ca_expiry_timestamp_seconds',
      help: 'Expiry of the per-pod CA certificate (unix seconds)',
      registers: [registry],
    }),
  };
  return metrics;
}
