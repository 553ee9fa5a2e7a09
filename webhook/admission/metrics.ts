import { Histogram, type Registry } from 'prom-client';

// Kyverno-style name and labels (DESIGN.md conventions).
export const ADMISSION_DURATION_METRIC = 'mcp_header_forward_admission_review_duration_seconds';

export interface AdmissionObservation {
  route: string;
  operation: string;
  allowed: boolean;
  mode: string | undefined;
}

export interface AdmissionMetrics {
  observe(observation: AdmissionObservation, seconds: number): void;
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  const existing = registry.getSingleMetric(ADMISSION_DURATION_METRIC);
  const histogram =
    (existing as Histogram<'route' | 'operation' | 'allowed' | 'mode'> | undefined) ??
    new Histogram({
      name: ADMISSION_DURATION_METRIC,
      help: 'Time to answer one AdmissionReview, by route, operation, outcome and effective mode.',
      labelNames: ['route', 'operation', 'allowed', 'mode'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  return {
    observe(o, seconds) {
      histogram.observe(
        { route: o.route, operation: o.operation, allowed: String(o.allowed), mode: o.mode ?? 'none' },
        seconds,
      );
    },
  };
}
