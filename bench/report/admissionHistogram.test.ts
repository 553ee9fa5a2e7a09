import { describe, expect, it } from 'vitest';
import { ADMISSION_METRIC, admissionHistograms, webhookLatencies, webhookLatenciesBetween } from './admissionHistogram.js';

function scrape(counts: { ours: [number, number, number]; kyverno: [number, number, number] }): string {
  const lines = (name: string, type: string, operation: string, [a, b, inf]: [number, number, number]): string[] => [
    `${ADMISSION_METRIC}_bucket{name="${name}",operation="${operation}",rejected="false",type="${type}",le="0.005"} ${a}`,
    `${ADMISSION_METRIC}_bucket{name="${name}",operation="${operation}",rejected="false",type="${type}",le="0.025"} ${b}`,
    `${ADMISSION_METRIC}_bucket{name="${name}",operation="${operation}",rejected="false",type="${type}",le="+Inf"} ${inf}`,
  ];
  return [
    ...lines('validate.mcpserverentries.mcp-header-forward.dev', 'validating', 'CREATE', counts.ours),
    ...lines('validate.kyverno.svc-fail', 'validating', 'CREATE', counts.kyverno),
  ].join('\n');
}

describe('webhookLatencies', () => {
  it('gives one row per webhook, filtered by name', () => {
    const text = scrape({ ours: [10, 20, 20], kyverno: [0, 5, 5] });
    const ours = webhookLatencies(admissionHistograms(text), (name) => name.includes('mcp-header-forward'));
    expect(ours.map((w) => [w.type, w.name, w.count])).toEqual([['validating', 'validate.mcpserverentries.mcp-header-forward.dev', 20]]);
    expect(ours[0]!.p50ms).toBeCloseTo(5);
  });
});

describe('webhookLatenciesBetween', () => {
  it('counts only the calls between the two scrapes, and drops webhooks that had none', () => {
    const before = scrape({ ours: [100, 100, 100], kyverno: [0, 50, 50] });
    const after = scrape({ ours: [100, 100, 100], kyverno: [0, 150, 150] });
    const between = webhookLatenciesBetween(before, after);
    expect(between.map((w) => [w.name, w.count])).toEqual([['validate.kyverno.svc-fail', 100]]);
    // All 100 new calls fell in (5 ms, 25 ms]: the median is interpolated at the bucket's middle.
    expect(between[0]!.p50ms).toBeCloseTo(15);
  });

  it('counts a webhook first seen in the second scrape from zero', () => {
    const after = scrape({ ours: [4, 4, 4], kyverno: [0, 0, 0] });
    expect(webhookLatenciesBetween('', after).map((w) => [w.name, w.count])).toEqual([
      ['validate.mcpserverentries.mcp-header-forward.dev', 4],
    ]);
  });
});
