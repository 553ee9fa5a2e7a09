import { headerCountRule } from './headerCount.js';
import { headerNameRule } from './headerNames.js';
import { hostBindingRule } from './hostBinding.js';
import { plaintextValueRule } from './plaintextValues.js';
import { remoteUrlRule } from './remoteUrl.js';
import { secretAccessRule } from './secretAccess.js';
import { secretRefRule } from './secretRefs.js';
import { siblingEnvNameRule } from './siblingEnvNames.js';
import type { Finding, Rule, RuleInput, ValidationInput, ValidationResult, Violation } from './types.js';

/** The rules, in the order their findings are reported. secretPolicy.ts configures the Secret ones from flags. */
export const DEFAULT_RULES: readonly Rule[] = [
  headerNameRule,
  secretAccessRule,
  secretRefRule,
  hostBindingRule(),
  plaintextValueRule,
  remoteUrlRule,
  siblingEnvNameRule,
];

/**
 * Validate one MCPServerEntry: every finding at once. Pure: Secret lookups were done by the caller.
 * Deleting objects are always allowed (finalizer removal must never get stuck). On UPDATE, a violation the old
 * object already had (same rule, subject and message: the field did not change) is reported as a warning.
 */
export function validateEntry(input: ValidationInput, rules: readonly Rule[] = DEFAULT_RULES): ValidationResult {
  if (input.entry.metadata.deletionTimestamp !== undefined) return { violations: [], warnings: [], warningFindings: [] };
  const siblings = input.siblings !== undefined ? { siblings: input.siblings } : {};
  const findings = runRules(rules, { entry: input.entry, namespace: input.namespace, secrets: input.secrets, ...siblings });
  const before =
    input.operation === 'UPDATE' && input.oldEntry !== undefined
      ? new Set(runRules(rules, { entry: input.oldEntry, namespace: input.namespace, secrets: input.secrets, ...siblings }).map(identity))
      : new Set<string>();

  const violations: Violation[] = [];
  const warnings: string[] = [];
  const warningFindings: Violation[] = [];
  for (const finding of findings) {
    if (finding.severity === 'warning') {
      warnings.push(formatFinding(finding));
      warningFindings.push(toViolation(finding));
    } else if (before.has(identity(finding))) {
      warnings.push(`${formatFinding(finding)} [not denied: unchanged by this update; fix it when you can]`);
      warningFindings.push(toViolation(finding));
    } else {
      violations.push(toViolation(finding));
    }
  }
  return { violations, warnings, warningFindings };
}

/** An entry over the header limit gets that one finding: its other rules (and lookups) are not worth running. */
export function runRules(rules: readonly Rule[], input: RuleInput): Finding[] {
  return runRulesByRule(rules, input).flatMap((ran) => ran.findings);
}

/**
 * Each rule that ran, in order, with what it found (none: it passed). Policy reports give every rule a result; an
 * entry over the header limit is judged by the header-count rule alone.
 */
export function runRulesByRule(rules: readonly Rule[], input: RuleInput): { rule: string; findings: Finding[] }[] {
  const oversized = headerCountRule.check(input);
  if (oversized.length > 0) return [{ rule: headerCountRule.id, findings: oversized }];
  return rules.map((rule) => ({ rule: rule.id, findings: rule.check(input) }));
}

function identity(finding: Finding): string {
  // Array positions in messages ("duplicates ... at addHeadersFromSecret[0]") shift when an earlier item is removed.
  return JSON.stringify([finding.rule, finding.subject, finding.message.replace(/\[\d+\]/g, '[]')]);
}

function toViolation(finding: Finding): Violation {
  return finding.hint === undefined
    ? { reason: finding.reason, field: finding.field, message: finding.message }
    : { reason: finding.reason, field: finding.field, message: finding.message, hint: finding.hint };
}

/** `field: message (fix: hint)`: one line a person can act on. */
export function formatFinding(finding: Pick<Violation, 'field' | 'message' | 'hint'>): string {
  return printable(`${finding.field}: ${finding.message}${finding.hint === undefined ? '' : ` (fix: ${finding.hint})`}`);
}

/** Escape control characters: user-chosen names end up in hints, and the API server drops warnings that hold any. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
