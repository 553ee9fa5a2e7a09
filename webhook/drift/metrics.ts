import { Counter, Gauge, type Registry } from 'prom-client';

export const PODS_METRIC = 'mcp_header_forward_pods';
export const EVICTIONS_METRIC = 'mcp_header_forward_pod_evictions_total';

export interface DriftMetrics {
  pods: Gauge<'finding'>;
  evictions: Counter<'outcome'>;
}

export function createDriftMetrics(registry: Registry): DriftMetrics {
  return {
    pods: new Gauge({
      name: PODS_METRIC,
      help: 'vMCP pods by drift finding at the last check (ok, missing, stale, orphaned, unplannable); only the leader reports',
      labelNames: ['finding'],
      registers: [registry],
    }),
    evictions: new Counter({
      name: EVICTIONS_METRIC,
      help: 'Remediation evictions by outcome (evicted, blocked by a PodDisruptionBudget, gone, dry-run, replacement-timeout)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
