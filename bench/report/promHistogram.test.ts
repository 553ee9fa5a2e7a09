import { describe, expect, it } from 'vitest';
import { histogramDelta, mergeHistograms, parseHistograms, quantile } from './promHistogram.js';

const METRIC = 'apiserver_admission_webhook_admission_duration_seconds';
const text = `# HELP ${METRIC} Admission webhook latency
# TYPE ${METRIC} histogram
${METRIC}_bucket{name="validate.mcp-header-forward.dev",operation="CREATE",rejected="false",type="validating",le="0.005"} 90
${METRIC}_bucket{name="validate.mcp-header-forward.dev",operation="CREATE",rejected="false",type="validating",le="0.025"} 100
${METRIC}_bucket{name="validate.mcp-header-forward.dev",operation="CREATE",rejected="false",type="validating",le="+Inf"} 100
${METRIC}_sum{name="validate.mcp-header-forward.dev",operation="CREATE",rejected="false",type="validating"} 0.4
${METRIC}_bucket{name="inject.mcp-header-forward.dev",operation="CREATE",rejected="false",type="admit",le="0.005"} 0
${METRIC}_bucket{name="inject.mcp-header-forward.dev",operation="CREATE",rejected="false",type="admit",le="0.025"} 10
${METRIC}_bucket{name="inject.mcp-header-forward.dev",operation="CREATE",rejected="false",type="admit",le="+Inf"} 10
other_metric_bucket{le="1"} 5
`;

describe('parseHistograms', () => {
  it('groups bucket lines by label set, without le', () => {
    const histograms = parseHistograms(text, METRIC);
    expect(histograms.map((h) => [h.labels.name, h.labels.type, h.count])).toEqual([
      ['validate.mcp-header-forward.dev', 'validating', 100],
      ['inject.mcp-header-forward.dev', 'admit', 10],
    ]);
    expect(histograms[0]!.buckets).toEqual([
      { le: 0.005, count: 90 },
      { le: 0.025, count: 100 },
      { le: Infinity, count: 100 },
    ]);
  });
});

describe('quantile', () => {
  const [validating, admit] = parseHistograms(text, METRIC);

  it('interpolates linearly inside the bucket, like histogram_quantile', () => {
    expect(quantile(validating!, 0.5)).toBeCloseTo(0.005 * (50 / 90));
    expect(quantile(validating!, 0.99)).toBeCloseTo(0.005 + 0.02 * 0.9);
    expect(quantile(admit!, 0.5)).toBeCloseTo(0.005 + 0.02 * 0.5);
  });

  it('merges label sets of one webhook by summing buckets', () => {
    const merged = mergeHistograms([validating!, validating!], { name: 'v' });
    expect(merged.count).toBe(200);
    expect(quantile(merged, 0.5)).toBeCloseTo(quantile(validating!, 0.5));
  });
});

describe('histogramDelta', () => {
  const [validating] = parseHistograms(text, METRIC);

  it('subtracts bucket by bucket per label set', () => {
    const earlier = { ...validating!, buckets: validating!.buckets.map((b) => ({ ...b, count: b.count - 10 })), count: 90 };
    const [delta] = histogramDelta([validating!], [earlier]);
    expect(delta!.buckets.map((b) => b.count)).toEqual([10, 10, 10]);
    expect(delta!.count).toBe(10);
  });

  it('drops label sets with nothing new', () => {
    expect(histogramDelta([validating!], [validating!])).toEqual([]);
  });
});
