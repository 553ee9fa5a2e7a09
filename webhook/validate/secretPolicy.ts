import { HOST_BINDING_RULE, hostBindingRule } from './hostBinding.js';
import { SECRET_MISSING_RULE, SECRET_REF_RULE } from './secretRefs.js';
import type { Finding, Rule } from './types.js';
import { DEFAULT_RULES } from './validateEntry.js';

export const MISSING_SECRET_POLICIES = ['deny', 'warn'] as const;
export type MissingSecretPolicy = (typeof MISSING_SECRET_POLICIES)[number];

/** How Secret references are judged (webhook flags; the defaults are the safe ones). */
export interface SecretPolicy {
  /** --missing-secret: `warn` admits a missing Secret or key with a warning (GitOps may create it moments later). */
  missingSecret: MissingSecretPolicy;
  /** --require-host-binding */
  requireHostBinding: boolean;
}

export const DEFAULT_SECRET_POLICY: SecretPolicy = { missingSecret: 'deny', requireHostBinding: false };

export const MISSING_SECRET_ADMITTED = '[admitted by --missing-secret=warn: pods using this entry wait until it exists]';

/** The rule list for a policy: the defaults with the Secret rules configured. */
export function rulesFor(policy: SecretPolicy, base: readonly Rule[] = DEFAULT_RULES): Rule[] {
  return base.map((rule) => {
    if (rule.id === HOST_BINDING_RULE) return hostBindingRule({ requireHostBinding: policy.requireHostBinding });
    if (rule.id === SECRET_REF_RULE && policy.missingSecret === 'warn') return admitMissingSecrets(rule);
    return rule;
  });
}

// Only "not found" (Secret or key) softens; bad values, restricted headers and names stay violations. A user who
// may not read the Secret never gets here: the access rule answers first and the Secret is not looked up.
function admitMissingSecrets(rule: Rule): Rule {
  return {
    id: rule.id,
    check: (input) =>
      rule
        .check(input)
        .map((finding): Finding =>
          finding.rule === SECRET_MISSING_RULE && finding.severity === 'violation'
            ? { ...finding, severity: 'warning', message: `${finding.message} ${MISSING_SECRET_ADMITTED}` }
            : finding,
        ),
  };
}
