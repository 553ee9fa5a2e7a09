import { Option } from 'commander';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { MISSING_SECRET_POLICIES, type SecretPolicy } from '../../webhook/validate/secretPolicy.js';

// The two flags that configure the Secret rules, defined once for `webhook` and the commands that apply its rules
// elsewhere (`validate`, `report`, `inject`). No cluster imports: offline commands load this too.

export function missingSecretOption(): Option {
  return new Option(
    '--missing-secret <policy>',
    'a referenced Secret or key that does not exist: deny, or warn (admit with a warning; for GitOps ordering)',
  )
    .choices(MISSING_SECRET_POLICIES)
    .default('deny');
}

export function requireHostBindingOption(): Option {
  return new Option(
    '--require-host-binding',
    `every forwarded Secret must carry the ${ALLOWED_HOSTS_ANNOTATION} annotation: entries forwarding one without it are denied, and the injector leaves their routes out`,
  ).default(false);
}

/** The parsed pair; a command that defines only one of them gets the default for the other. */
export function secretRuleFlags(options: Record<string, unknown>): SecretPolicy {
  return { missingSecret: options.missingSecret === 'warn' ? 'warn' : 'deny', requireHostBinding: options.requireHostBinding === true };
}
