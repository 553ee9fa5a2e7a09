// What `mcp-header-forward report` and the webhook's background scan say about objects already in the cluster.
// Items carry their kind so other checks (e.g. pods that slipped past injection) can add their own items.

/** One problem, in the webhook's words: same field path and message as an admission denial. */
export interface ReportFinding {
  /** Event reason and metric label: the rule's own (`HeaderSecretNotFound`), or a pod check's (`SidecarMissing`). */
  reason: string;
  field: string;
  message: string;
  hint?: string;
  /** Another entry of the namespace the finding names (HeaderEnvVarCollision's partner); a change to it re-checks this one. */
  relatedEntry?: string;
  /** Id of the rule that found it (`secret-ref`); policy reports group results by it. Absent for pod checks. */
  rule?: string;
}

/** pass: nothing to fix; fail: at least one finding; error: the check could not run (API error), nothing is claimed. */
export type ItemStatus = 'pass' | 'fail' | 'error';

export interface ReportItem {
  kind: string;
  /** apiVersion the object was read as (entries: v1beta1, the API server converts v1alpha1 ones). */
  apiVersion: string;
  namespace: string;
  name: string;
  /** metadata.uid, for Events on the object; absent offline. */
  uid?: string;
  resourceVersion?: string;
  status: ItemStatus;
  /** Ids of the rules that judged the object, in order: a policy report gives each a result (none found: pass). Absent for pods. */
  rules?: string[];
  findings: ReportFinding[];
  warnings: string[];
  /** The warnings as findings (reason, rule), for a policy report's `warn` results. Entries only. */
  warningFindings?: ReportFinding[];
}

export interface ReportSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
}

export function summarize(items: readonly ReportItem[]): ReportSummary {
  return {
    total: items.length,
    passed: items.filter((i) => i.status === 'pass').length,
    failed: items.filter((i) => i.status === 'fail').length,
    errors: items.filter((i) => i.status === 'error').length,
  };
}
