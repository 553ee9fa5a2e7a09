import type { Registry } from 'prom-client';
import { registeredCounter, registeredHistogram } from '../registeredMetrics.js';

// Kyverno-style name and labels (DESIGN.md conventions).
export const ADMISSION_DURATION_METRIC = 'mcp_header_forward_admission_review_duration_seconds';
export const ADMISSION_REVIEWS_METRIC = 'mcp_header_forward_admission_reviews_total';
export const ADMISSION_SHED_METRIC = 'mcp_header_forward_admission_shed_total';

export interface AdmissionObservation {
  route: string;
  operation: string;
  allowed: boolean;
  mode: string | undefined;
  /** Warnings sent back to the client (warn mode, ratchet, ...). */
  warnings?: number;
}

/** error: the route could not decide (fail closed); denied; warned: allowed with warnings; allowed. */
export type ReviewOutcome = 'error' | 'denied' | 'warned' | 'allowed';

export function reviewOutcome(o: AdmissionObservation): ReviewOutcome {
  if (!o.allowed) return o.mode === 'error' ? 'error' : 'denied';
  return (o.warnings ?? 0) > 0 ? 'warned' : 'allowed';
}

export interface AdmissionMetrics {
  observe(observation: AdmissionObservation, seconds: number): void;
  /** A review answered without being run: all slots taken (full) or its turn came too late (late). */
  shed(route: string, cause: 'full' | 'late'): void;
}

export function createAdmissionMetrics(registry: Registry): AdmissionMetrics {
  const histogram = registeredHistogram(registry, {
    name: ADMISSION_DURATION_METRIC,
    help: 'Time to answer one AdmissionReview, by route, operation, outcome and effective mode.',
    labelNames: ['route', 'operation', 'allowed', 'mode'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const reviews = registeredCounter(registry, {
    name: ADMISSION_REVIEWS_METRIC,
    help: 'AdmissionReviews answered, by route, operation, outcome (allowed, warned, denied, error) and effective mode.',
    labelNames: ['route', 'operation', 'outcome', 'mode'] as const,
  });
  const shed = registeredCounter(registry, {
    name: ADMISSION_SHED_METRIC,
    help: 'AdmissionReviews answered without being run because the webhook was overloaded, by route and cause (full: --max-in-flight-reviews reached; late: waited too long for its turn); answered as the failurePolicy answers a timeout.',
    labelNames: ['route', 'cause'] as const,
  });
  return {
    shed(route, cause) {
      shed.inc({ route, cause });
    },
    observe(o, seconds) {
      const mode = o.mode ?? 'none';
      histogram.observe({ route: o.route, operation: o.operation, allowed: String(o.allowed), mode }, seconds);
      reviews.inc({ route: o.route, operation: o.operation, outcome: reviewOutcome(o), mode });
    },
  };
}
