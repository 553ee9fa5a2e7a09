import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ADMISSION_REVIEWS_METRIC, createAdmissionMetrics, reviewOutcome } from './metrics.js';

describe('admission metrics', () => {
  it.each([
    [{ allowed: true, mode: 'enforce', warnings: 0 }, 'allowed'],
    [{ allowed: true, mode: 'warn', warnings: 2 }, 'warned'],
    [{ allowed: false, mode: 'enforce' }, 'denied'],
    [{ allowed: false, mode: 'error' }, 'error'],
  ] as const)('%o is %s', (observation, outcome) => {
    expect(reviewOutcome({ route: 'validate', operation: 'CREATE', ...observation })).toBe(outcome);
  });

  it('counts reviews by route, operation, outcome and mode next to the latency histogram, in one registry', async () => {
    const registry = new Registry();
    const metrics = createAdmissionMetrics(registry);
    metrics.observe({ route: 'validate-secrets', operation: 'DELETE', allowed: false, mode: 'enforce' }, 0.002);
    // A second server on the same registry reuses the metrics instead of failing to register them twice.
    createAdmissionMetrics(registry).observe({ route: 'validate-secrets', operation: 'DELETE', allowed: false, mode: 'enforce' }, 0.002);
    const text = await registry.metrics();
    expect(text).toContain(`${ADMISSION_REVIEWS_METRIC}{route="validate-secrets",operation="DELETE",outcome="denied",mode="enforce"} 2`);
    expect(text).toContain(
      'mcp_header_forward_admission_review_duration_seconds_count{route="validate-secrets",operation="DELETE",allowed="false",mode="enforce"} 2',
    );
  });
});
