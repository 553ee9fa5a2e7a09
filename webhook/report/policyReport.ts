import { HEADER_COUNT_RULE } from '../validate/headerCount.js';
import { HEADER_NAME_RULE } from '../validate/headerNames.js';
import { HOST_BINDING_RULE } from '../validate/hostBinding.js';
import { PLAINTEXT_VALUE_RULE } from '../validate/plaintextValues.js';
import { REASONS } from '../validate/reasons.js';
import { REMOTE_URL_RULE } from '../validate/remoteUrl.js';
import { SECRET_REF_RULE } from '../validate/secretRefs.js';
import { SIBLING_ENV_RULE } from '../validate/siblingEnvNames.js';
import { formatFinding } from '../validate/validateEntry.js';
import { OBJECT_SCHEMA_RULE } from './scanEntry.js';
import type { ReportFinding, ReportItem } from './types.js';

// PolicyReports (wgpolicyk8s.io/v1alpha2, the format Kyverno and Kubewarden write and Policy Reporter reads) from
// the scan's verdicts. Pure and deterministic: the same verdicts give the same objects, byte for byte (sorted, no
// timestamps), so the webhook rewrites a report only when a verdict changed, and `report -o policyreport` prints
// exactly what the webhook writes.

export const POLICY_REPORT_GROUP = 'wgpolicyk8s.io';
export const POLICY_REPORT_VERSION = 'v1alpha2';
export const POLICY_REPORT_PLURAL = 'policyreports';
export const POLICY_REPORT_KIND = 'PolicyReport';
/** One report per namespace, always this name. */
export const POLICY_REPORT_NAME = 'mcp-header-forward';
/** `results[].source`: which engine wrote the result (Kyverno writes `kyverno`). */
export const POLICY_REPORT_SOURCE = 'mcp-header-forward';
/** `results[].policy`: the webhook's rules on MCPServerEntry.spec.headerForward, as one policy. */
export const POLICY_NAME = 'mcpserverentry-header-forward';
export const POLICY_CATEGORY = 'MCP header forwarding';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'mcp-header-forward';

/** What each rule checks, for the message of a `pass` result. */
const PASSED: Readonly<Record<string, string>> = {
  [HEADER_COUNT_RULE]: 'the entry forwards at most 64 headers',
  [HEADER_NAME_RULE]: 'header names are valid, not restricted and not duplicated',
  [SECRET_REF_RULE]: 'every referenced Secret and key exists and holds a value that can be sent as a header',
  [HOST_BINDING_RULE]: "every forwarded Secret's allowed-hosts annotation (if any) admits the remoteUrl host",
  [PLAINTEXT_VALUE_RULE]: 'plaintext header values can be sent as written',
  [REMOTE_URL_RULE]: 'remoteUrl is an http(s) URL without credentials and not a private endpoint (unless allowed)',
  [SIBLING_ENV_RULE]: 'no other entry of the namespace and group uses the same ToolHive env var',
  [OBJECT_SCHEMA_RULE]: 'the object matches the MCPServerEntry schema',
};

export type PolicyResult = 'pass' | 'fail' | 'warn' | 'error';

export interface PolicyReportResult {
  source: string;
  policy: string;
  rule: string;
  category: string;
  result: PolicyResult;
  scored: boolean;
  message: string;
  /** `reason`: the reason codes of the rule's findings and warnings (webhook/validate/reasons.ts), sorted, comma-separated; absent on a pass. */
  properties?: Record<string, string>;
  resources: PolicyReportResource[];
}

export interface PolicyReportResource {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid?: string;
}

export interface PolicyReportSummary {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

export interface PolicyReport {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  results: PolicyReportResult[];
  summary: PolicyReportSummary;
}

/** One PolicyReport per namespace that has results, sorted by namespace; results sorted by object name, then rule. */
export function policyReports(items: Iterable<ReportItem>): PolicyReport[] {
  const byNamespace = new Map<string, PolicyReportResult[]>();
  for (const item of items) {
    const results = resultsFor(item);
    if (results.length === 0) continue;
    byNamespace.set(item.namespace, [...(byNamespace.get(item.namespace) ?? []), ...results]);
  }
  return [...byNamespace.keys()].sort(compareText).map((namespace) => {
    const results = byNamespace.get(namespace)!.sort(compareResults);
    return {
      apiVersion: `${POLICY_REPORT_GROUP}/${POLICY_REPORT_VERSION}`,
      kind: POLICY_REPORT_KIND,
      metadata: { name: POLICY_REPORT_NAME, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE } },
      results,
      summary: summarize(results),
    };
  });
}

/**
 * A result per rule that judged the item: pass (found nothing), warn (only warnings, which never deny), error (could
 * only fail to look a Secret up), fail. The message lists the rule's violations, then its warnings.
 */
function resultsFor(item: ReportItem): PolicyReportResult[] {
  const resource: PolicyReportResource = {
    apiVersion: item.apiVersion,
    kind: item.kind,
    namespace: item.namespace,
    name: item.name,
    ...(item.uid !== undefined ? { uid: item.uid } : {}),
  };
  return (item.rules ?? []).map((rule) => {
    const violations = item.findings.filter((f) => f.rule === rule);
    const warnings = (item.warningFindings ?? []).filter((f) => f.rule === rule);
    const result = resultOf(violations, warnings);
    const all = [...violations, ...warnings];
    return {
      source: POLICY_REPORT_SOURCE,
      policy: POLICY_NAME,
      rule,
      category: POLICY_CATEGORY,
      result,
      scored: true,
      message: result === 'pass' ? (PASSED[rule] ?? `rule ${rule} found nothing to fix`) : messageOf(violations, warnings),
      ...(result === 'pass' ? {} : { properties: { reason: [...new Set(all.map((f) => f.reason))].sort(compareText).join(',') } }),
      resources: [resource],
    };
  });
}

function resultOf(violations: readonly ReportFinding[], warnings: readonly ReportFinding[]): PolicyResult {
  if (violations.length === 0) return warnings.length === 0 ? 'pass' : 'warn';
  return violations.every((f) => f.reason === REASONS.secretLookupFailed) ? 'error' : 'fail';
}

// Beside a violation a warning says it is one, so a reader does not take it for a second reason to fail.
function messageOf(violations: readonly ReportFinding[], warnings: readonly ReportFinding[]): string {
  const warningPrefix = violations.length === 0 ? '' : 'warning: ';
  return [...violations.map(formatFinding), ...warnings.map((w) => `${warningPrefix}${formatFinding(w)}`)].join('; ');
}

function summarize(results: readonly PolicyReportResult[]): PolicyReportSummary {
  const count = (result: PolicyResult): number => results.filter((r) => r.result === result).length;
  return { pass: count('pass'), fail: count('fail'), warn: count('warn'), error: count('error'), skip: 0 };
}

function compareResults(a: PolicyReportResult, b: PolicyReportResult): number {
  const [ra, rb] = [a.resources[0]!, b.resources[0]!];
  return compareText(ra.name, rb.name) || compareText(ra.uid ?? '', rb.uid ?? '') || compareText(a.rule, b.rule);
}

// Code-point order, not locale order: the same on every machine.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
