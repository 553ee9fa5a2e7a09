import { Option, type Command } from 'commander';
import { createAccessCache, DEFAULT_ACCESS_CACHE_TTL_MS } from '../webhook/cluster/accessCache.js';
import { createSecretReadCheck } from '../webhook/cluster/accessReview.js';
import type { ValidateRouteOptions } from '../webhook/routes/validate.js';
import { rulesFor, type MissingSecretPolicy } from '../webhook/validate/secretPolicy.js';
import { missingSecretOption, requireHostBindingOption, secretRuleFlags } from './secretRuleFlags.js';
import type { WebhookContext } from './webhookContributor.js';
import { millis } from './webhookFlags.js';

// The flags that decide who may forward a Secret and where to (issue 10), for the /validate contributor.

export interface SecretPolicyFlags {
  authorizeSecretRefs: boolean;
  missingSecret: MissingSecretPolicy;
  requireHostBinding: boolean;
  accessReviewCacheTtl: number;
}

export function addSecretPolicyOptions(command: Command): void {
  command
    .addOption(
      new Option(
        '--authorize-secret-refs <true|false>',
        'deny entries whose author may not "get" a Secret they reference (SubjectAccessReview); false restores the pre-check behaviour',
      )
        .choices(['true', 'false'])
        .default('true'),
    )
    .addOption(missingSecretOption())
    .addOption(requireHostBindingOption())
    .addOption(
      new Option('--access-review-cache-ttl <ms>', 'how long a positive SubjectAccessReview answer is reused (per user identity and Secret; 0 = never)')
        .default(DEFAULT_ACCESS_CACHE_TTL_MS)
        .argParser(millis('--access-review-cache-ttl', 0, 60_000)),
    );
}

/** The parsed flags; commander hands `--authorize-secret-refs` over as the string it chose. */
export function secretPolicyFlags(options: Record<string, unknown>): SecretPolicyFlags {
  return {
    authorizeSecretRefs: options.authorizeSecretRefs !== 'false' && options.authorizeSecretRefs !== false,
    ...secretRuleFlags(options),
    accessReviewCacheTtl: typeof options.accessReviewCacheTtl === 'number' ? options.accessReviewCacheTtl : DEFAULT_ACCESS_CACHE_TTL_MS,
  };
}

/** The /validate route's rules and access check for these flags; the review shares the Secret GET timeout. */
export function secretPolicyRouteOptions(context: Pick<WebhookContext, 'options' | 'kubeConfig' | 'logger' | 'registry'>): Pick<ValidateRouteOptions, 'rules' | 'canReadSecret'> {
  const flags = secretPolicyFlags(context.options);
  context.logger.info(
    {
      authorizeSecretRefs: flags.authorizeSecretRefs,
      missingSecret: flags.missingSecret,
      requireHostBinding: flags.requireHostBinding,
      accessReviewCacheTtlMs: flags.accessReviewCacheTtl,
    },
    flags.authorizeSecretRefs ? 'Secret references: authors must be able to read them' : 'Secret references: author check OFF (--authorize-secret-refs=false)',
  );
  const rules = rulesFor({ missingSecret: flags.missingSecret, requireHostBinding: flags.requireHostBinding });
  if (!flags.authorizeSecretRefs) return { rules };
  const canReadSecret = createSecretReadCheck({
    kubeConfig: context.kubeConfig,
    timeoutMs: context.options.secretLookupTimeout,
    cache: createAccessCache({ ttlMs: flags.accessReviewCacheTtl }),
    registry: context.registry,
  });
  return { rules, canReadSecret };
}
