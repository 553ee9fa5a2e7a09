import { stableStringify } from '../../contract/stableJson.js';
import { MANAGED_BY_LABEL, POLICY_REPORT_NAME, type PolicyReport } from './policyReport.js';

// Which writes bring the stored PolicyReports to the desired ones: pure, so "unchanged reports are not rewritten"
// and "a namespace without entries loses its report" are tested without a cluster.

/** A PolicyReport as listed from the API server (ours: selected by the managed-by label). */
export interface StoredReport {
  namespace: string;
  name: string;
  resourceVersion: string;
  labels: Record<string, string>;
  results: unknown;
  summary: unknown;
}

export type ReportWrite =
  | { action: 'create'; report: PolicyReport }
  | { action: 'update'; report: PolicyReport; resourceVersion: string }
  | { action: 'delete'; namespace: string; name: string };

/** Creates and updates by namespace, then deletes by namespace; nothing for a report whose content is already stored. */
export function planReportWrites(desired: readonly PolicyReport[], stored: readonly StoredReport[]): ReportWrite[] {
  const ours = new Map(stored.filter((s) => s.name === POLICY_REPORT_NAME).map((s) => [s.namespace, s]));
  const wanted = new Set(desired.map((report) => report.metadata.namespace));
  const writes: ReportWrite[] = [];
  for (const report of [...desired].sort((a, b) => compareText(a.metadata.namespace, b.metadata.namespace))) {
    const current = ours.get(report.metadata.namespace);
    if (current === undefined) writes.push({ action: 'create', report });
    else if (contentOf(current) !== contentOf(report)) writes.push({ action: 'update', report, resourceVersion: current.resourceVersion });
  }
  for (const namespace of [...ours.keys()].sort(compareText)) {
    if (!wanted.has(namespace)) writes.push({ action: 'delete', namespace, name: POLICY_REPORT_NAME });
  }
  return writes;
}

/** What we own in a report: our label, the results and the summary (the API server's metadata is not ours). */
function contentOf(report: StoredReport | PolicyReport): string {
  const labels = 'metadata' in report ? report.metadata.labels : report.labels;
  return stableStringify({ managedBy: labels[MANAGED_BY_LABEL], results: report.results, summary: report.summary });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
