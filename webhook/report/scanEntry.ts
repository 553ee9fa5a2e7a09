import { mcpServerEntrySchema, type MCPServerEntry } from '../../contract/toolhive.js';
import { lookupSecrets, type GetSecret } from '../validate/lookup.js';
import { REASONS } from '../validate/reasons.js';
import type { Finding, Rule } from '../validate/types.js';
import { SECRET_ACCESS_RULE } from '../validate/secretAccess.js';
import { DEFAULT_RULES, formatFinding, runRulesByRule } from '../validate/validateEntry.js';
import type { ReportFinding, ReportItem } from './types.js';

export const ENTRY_KIND = 'MCPServerEntry';
/** The rule of an object the contract schema cannot read: no other rule could judge it. */
export const OBJECT_SCHEMA_RULE = 'object-schema';

/**
 * Check one stored MCPServerEntry with the webhook's own rules (the same Rule objects, no copy), as on CREATE:
 * no ratchet, since nothing is being changed. Secrets are looked up with the caller's identity; there is no
 * requesting user, so the SubjectAccessReview "may the author read it" check does not apply here.
 */
export async function scanEntry(
  entry: MCPServerEntry,
  getSecret: GetSecret,
  rules: readonly Rule[] = DEFAULT_RULES,
  siblings: readonly MCPServerEntry[] = [],
): Promise<ReportItem> {
  const namespace = entry.metadata.namespace ?? 'default';
  const base = itemBase(entry, namespace);
  // A deleting entry is on its way out; admission allows it too. No rule judged it.
  if (entry.metadata.deletionTimestamp !== undefined) return { ...base, status: 'pass', rules: [], findings: [], warnings: [] };
  const secrets = await lookupSecrets(entry, namespace, getSecret);
  // secret-access asks about the requesting user: there is none here, so it judges nothing and is not listed.
  const ran = runRulesByRule(rules, { entry, namespace, secrets, siblings }).filter((r) => r.rule !== SECRET_ACCESS_RULE);
  const found = ran.flatMap((r) => r.findings.map((finding) => ({ ...finding, rule: r.rule })));
  const findings = found.filter((f) => f.severity === 'violation').map(toReportFinding);
  const warningFindings = found.filter((f) => f.severity === 'warning').map(toReportFinding);
  const warnings = warningFindings.map(formatFinding);
  return { ...base, status: statusOf(findings), rules: ran.map((r) => r.rule), findings, warnings, warningFindings };
}

function toReportFinding(f: Finding): ReportFinding {
  return {
    reason: f.reason,
    field: f.field,
    message: f.message,
    ...(f.hint !== undefined ? { hint: f.hint } : {}),
    ...(f.relatedEntry !== undefined ? { relatedEntry: f.relatedEntry } : {}),
    rule: f.rule,
  };
}

/** An object the contract schema cannot read is reported as failing, with zod's field paths. */
export function scanRawEntry(
  raw: unknown,
  getSecret: GetSecret,
  rules: readonly Rule[] = DEFAULT_RULES,
  siblings: readonly MCPServerEntry[] = [],
): Promise<ReportItem> {
  const parsed = mcpServerEntrySchema.safeParse(raw);
  if (parsed.success) return scanEntry(parsed.data, getSecret, rules, siblings);
  const metadata = ((raw as { metadata?: Record<string, unknown> } | null)?.metadata ?? {}) as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return Promise.resolve({
    kind: ENTRY_KIND,
    apiVersion: text((raw as { apiVersion?: unknown } | null)?.apiVersion),
    namespace: text(metadata.namespace),
    name: text(metadata.name),
    status: 'fail',
    rules: [OBJECT_SCHEMA_RULE],
    findings: parsed.error.issues.map((issue) => ({
      reason: REASONS.unreadableObject,
      rule: OBJECT_SCHEMA_RULE,
      field:
        issue.path.reduce<string>(
          (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc === '' ? String(p) : `${acc}.${String(p)}`),
          '',
        ) || '(object)',
      message: issue.message,
    })),
    warnings: [],
  });
}

// Only lookup failures: the entry may be fine, we just could not tell. Any real finding makes it a failure.
function statusOf(findings: readonly ReportFinding[]): ReportItem['status'] {
  if (findings.length === 0) return 'pass';
  return findings.every((f) => f.reason === REASONS.secretLookupFailed) ? 'error' : 'fail';
}

function itemBase(
  entry: MCPServerEntry,
  namespace: string,
): Pick<ReportItem, 'kind' | 'apiVersion' | 'namespace' | 'name' | 'uid' | 'resourceVersion'> {
  const { uid, resourceVersion } = entry.metadata;
  return {
    kind: ENTRY_KIND,
    apiVersion: entry.apiVersion,
    namespace,
    name: entry.metadata.name ?? '',
    ...(uid !== undefined ? { uid } : {}),
    ...(resourceVersion !== undefined ? { resourceVersion } : {}),
  };
}

/** One GET per Secret per scan: entries sharing a Secret do not multiply the API load. */
export function memoizeLookups(getSecret: GetSecret): GetSecret {
  const seen = new Map<string, ReturnType<GetSecret>>();
  return (namespace, name) => {
    const key = `${namespace}/${name}`;
    let lookup = seen.get(key);
    if (lookup === undefined) {
      lookup = getSecret(namespace, name);
      seen.set(key, lookup);
    }
    return lookup;
  };
}
