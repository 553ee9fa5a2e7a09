import { MODE_LABEL } from '../../contract/labels.js';
import { SECRET_GUARD_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { callFailureFix } from './admissionProbe.js';
import type { CheckResult, CheckTarget, ConfigurationFacts, SecretGuardProbeFacts } from './types.js';

// /validate-secrets end to end: the dry-run DELETE of a Secret an entry forwards from (gather/secretGuardProbe.ts)
// is refused by the guard in its own words (enforce) or admitted with its warning (warn). Its failurePolicy is
// Ignore, so a guard the API server cannot reach shows only as a silent admission.

const title = (facts: SecretGuardProbeFacts): string =>
  'skipped' in facts
    ? 'Dry-run DELETE of a forwarded Secret answered by the Secret guard'
    : `Dry-run DELETE of Secret ${facts.namespace}/${facts.secret} (used by ${facts.entry}) answered by the Secret guard`;

/** Whether the ValidatingWebhookConfiguration registers the guard; undefined when it could not be read. */
function guardRegistered(configurations: readonly ConfigurationFacts[]): boolean | undefined {
  const validating = configurations.find((c) => c.kind === 'ValidatingWebhookConfiguration')?.read;
  if (validating?.status !== 'found') return undefined;
  return validating.value.webhooks.some((w) => w.name === SECRET_GUARD_WEBHOOK_NAME);
}

export function secretGuardProbeCheck(
  facts: SecretGuardProbeFacts,
  configurations: readonly ConfigurationFacts[],
  target: CheckTarget,
): CheckResult {
  const base = { id: 'secret-guard-probe', title: title(facts) };
  if (guardRegistered(configurations) === false)
    return { ...base, status: 'skip', detail: `not run: ${SECRET_GUARD_WEBHOOK_NAME} is not registered (no Secret guard)` };
  if ('skipped' in facts) return { ...base, status: 'skip', detail: `not run: ${facts.skipped}` };
  const { outcome } = facts;
  if (!outcome.allowed) {
    if (outcome.message.includes(`admission webhook "${SECRET_GUARD_WEBHOOK_NAME}" denied the request: deleting Secret`))
      return {
        ...base,
        status: 'pass',
        detail: `denied by ${SECRET_GUARD_WEBHOOK_NAME} in its own words: the API server reaches /validate-secrets`,
      };
    if (outcome.code === 403 && !outcome.message.includes('denied the request'))
      return {
        ...base,
        status: 'warn',
        detail: `not allowed to try: ${outcome.message}`,
        fix: `the probe needs delete on secrets in namespace ${facts.namespace} (dry-run: nothing is deleted); or pass --probe-namespace`,
      };
    return {
      ...base,
      status: 'fail',
      detail: `refused, but not by the Secret guard${outcome.code === undefined ? '' : ` (HTTP ${outcome.code})`}: ${outcome.message}`,
      fix: 'another admission webhook or policy refused it; check the message above',
    };
  }
  if (outcome.warnings.some((w) => w.startsWith(`deleting Secret "${facts.secret}"`)))
    return {
      ...base,
      status: 'pass',
      detail: `admitted with the guard's warning (namespace in warn mode): the API server reaches /validate-secrets`,
    };
  if (facts.namespaceMode === 'audit')
    return {
      ...base,
      status: 'skip',
      detail: `not conclusive: namespace ${facts.namespace} is labelled ${MODE_LABEL}=audit, where the guard admits silently`,
      fix: 'pass --probe-namespace with a namespace in enforce or warn mode',
    };
  return {
    ...base,
    status: 'fail',
    detail:
      'admitted silently: the API server did not reach the guard (its failurePolicy is Ignore, so a failed call is not reported), or the webhook runs with --mode audit',
    fix: `${callFailureFix('', target)}; the configuration and certificate lines above show whether the API server can trust it`,
  };
}
