import { analyzeQuery } from './promql.js';
import type { ShippedQuery } from './monitoringQueries.js';

// What would make a shipped query silently wrong: a syntax error, a series nothing registers (an empty panel,
// an alert that never fires), or a label the series do not carry (a filter matching nothing, a legend or an
// alert text printing nothing).

/** Labels the Prometheus Operator adds to every scraped series (ServiceMonitor and PodMonitor targets). */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'] as const;
/** Series Prometheus makes itself for each target. */
const PROMETHEUS_SERIES = ['up'];

export function queryProblems(query: ShippedQuery, registered: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const labelsOf = (series: string): ReadonlySet<string> => {
    const own = PROMETHEUS_SERIES.includes(series) ? [] : [...(registered.get(series) ?? [])];
    return new Set([...own, ...TARGET_LABELS]);
  };
  const facts = analyzeQuery(query.expr, labelsOf);
  const problems = facts.errors.map((at) => `${query.where}: PromQL syntax error at offset ${at} of: ${query.expr}`);
  const unknown = facts.series.filter((series) => !registered.has(series) && !PROMETHEUS_SERIES.includes(series));
  problems.push(...unknown.map((series) => `${query.where}: no registered metric exposes ${series}`));
  const selectable = new Set(facts.series.flatMap((series) => [...labelsOf(series)]));
  for (const label of facts.labels.filter((l) => !selectable.has(l))) {
    problems.push(`${query.where}: label ${label} is on none of ${facts.series.join(', ')}`);
  }
  problems.push(...facts.quantilesWithoutLe.map((at) => `${query.where}: histogram_quantile at offset ${at} gets no le label`));
  for (const label of new Set(query.printedLabels.filter((l) => !facts.resultLabels.has(l)))) {
    problems.push(
      `${query.where}: prints label ${label}, which the result does not carry (it has: ${[...facts.resultLabels].sort().join(', ')})`,
    );
  }
  return problems;
}
