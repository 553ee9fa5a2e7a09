// Prometheus metrics of the sidecar, on their own registry (no process-global state between instances).
// Labels carry entry names and outcomes only: never header values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Outcome = 'forwarded' | 'upstream_error' | 'client_aborted' | 'bad_request';
/** Label for requests that matched no route. */
export const UNROUTED = '(none)';

export interface SidecarMetrics {
  registry: Registry;
  requests: Counter<'route' | 'outcome'>;
  upstreamSeconds: Histogram<'route'>;
  openTunnels: Gauge<'kind'>;
  openStreams: Gauge;
  caExpiry: Gauge;
}

export function createSidecarMetrics(): SidecarMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mcp_header_forward_sidecar_' });
  return {
    registry,
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
    openStreams: new Gauge({
      name: 'mcp_header_forward_sidecar_open_streams',
      help: 'Requests currently being forwarded (includes long-lived SSE streams)',
      registers: [registry],
    }),
    caExpiry: new Gauge({
      name: 'mcp_header_forward_sidecar_ca_expiry_timestamp_seconds',
      help: 'Expiry of the per-pod CA certificate (unix seconds)',
      registers: [registry],
    }),
  };
}
