import type { ServingCertificate, Trust } from '../../certs/servingTrust.js';
import { namesHost } from '../../certs/servingTrust.js';
import {
  MUTATING_WEBHOOK_NAME,
  SECRET_GUARD_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
} from '../../webhook/registrations/webhookConfigurations.js';
import { caBundleFix, serviceHost } from './certFixes.js';
import { INSTALL_HINT } from './deployment.js';
import type { CheckResult, CheckTarget, ConfigurationFacts, WebhookFacts } from './types.js';

// One line per configuration object: it exists, holds the webhooks the manifests register, and each webhook's
// caBundle trusts the serving certificate for the host the API server dials.

export const EXPECTED_WEBHOOKS: Record<ConfigurationFacts['kind'], readonly string[]> = {
  ValidatingWebhookConfiguration: [VALIDATING_WEBHOOK_NAME, SECRET_GUARD_WEBHOOK_NAME],
  MutatingWebhookConfiguration: [MUTATING_WEBHOOK_NAME],
};

/**
 * The serving certificate and whether each webhook's caBundle trusts it (by webhook name, verified beforehand:
 * signatures are async), or why there is none to verify (the serving-certificate line says more).
 */
export type ServingForTrust = { leaf: ServingCertificate; trustByWebhook: ReadonlyMap<string, Trust> } | { unavailable: string };

/** One thing wrong, for the webhooks it applies to: the same problem on several webhooks is said once. */
type Problem = { level: 'fail' | 'warn'; webhooks: string[]; text: string; fix: string };

function hostOf(webhook: WebhookFacts): string {
  return 'service' in webhook.target ? serviceHost(webhook.target.service) : new URL(webhook.target.url).hostname;
}

function describeTarget(webhook: WebhookFacts): string {
  if (!('service' in webhook.target)) return `URL ${webhook.target.url}`;
  const { namespace, name, port } = webhook.target.service;
  return `Service ${namespace}/${name}:${port}`;
}

function webhookProblems(webhook: WebhookFacts, target: CheckTarget, serving: ServingForTrust): Problem[] {
  const problems: Problem[] = [];
  const webhooks = [webhook.name];
  if ('service' in webhook.target) {
    const { namespace, name } = webhook.target.service;
    if (namespace !== target.namespace || name !== target.service) {
      problems.push({
        level: 'warn',
        webhooks,
        text: `calls Service ${namespace}/${name}, not ${target.namespace}/${target.service}`,
        fix: 'pass --namespace and --service for the Service it calls, or re-apply the manifests',
      });
    }
  }
  if (webhook.caBundlePem === undefined) {
    problems.push({ level: 'fail', webhooks, text: 'no caBundle: the API server cannot verify the webhook', fix: caBundleFix(target) });
    return problems;
  }
  if ('unavailable' in serving) {
    problems.push({
      level: 'warn',
      webhooks,
      text: `caBundle not verified (${serving.unavailable})`,
      fix: 'fix the serving certificate first',
    });
    return problems;
  }
  const trust = serving.trustByWebhook.get(webhook.name);
  if (trust !== undefined && !trust.trusted) {
    problems.push({
      level: 'fail',
      webhooks,
      text: `caBundle does not trust the serving certificate: ${trust.reason}`,
      fix: caBundleFix(target),
    });
  }
  const host = hostOf(webhook);
  if (!namesHost(serving.leaf, host)) {
    problems.push({
      level: 'fail',
      webhooks,
      text: `dials ${host}, which the serving certificate does not name`,
      fix: `reissue the certificate with ${host} among its DNS names, or point the webhook at the Service it was issued for`,
    });
  }
  return problems;
}

export function webhookConfigurationCheck(target: CheckTarget, facts: ConfigurationFacts, serving: ServingForTrust): CheckResult {
  const base = { id: `configuration/${facts.kind}`, title: `${facts.kind} ${target.configuration}` };
  const { read } = facts;
  if (read.status === 'missing') {
    return {
      ...base,
      status: 'fail',
      detail: 'not found: nothing sends admission requests to the webhook',
      fix: `install it: ${INSTALL_HINT}; or name yours with --webhook-configuration`,
    };
  }
  if (read.status === 'error') {
    return {
      ...base,
      status: 'fail',
      detail: `cannot read it: ${read.message}`,
      fix: `you need get on ${facts.kind.toLowerCase()}s.admissionregistration.k8s.io`,
    };
  }
  const names = read.value.webhooks.map((w) => w.name);
  const absent = EXPECTED_WEBHOOKS[facts.kind].filter((name) => !names.includes(name));
  const problems: Problem[] = absent.map((name) => ({
    level: 'fail',
    webhooks: [name],
    text: 'not registered',
    fix: `re-apply the manifests (${INSTALL_HINT})`,
  }));
  for (const webhook of read.value.webhooks) problems.push(...webhookProblems(webhook, target, serving));
  const targets = [...new Set(read.value.webhooks.map(describeTarget))].join(', ');
  if (problems.length === 0) {
    const verified = 'unavailable' in serving ? '' : `, caBundle trusts the serving certificate`;
    return { ...base, status: 'pass', detail: `${names.length} ${names.length === 1 ? 'webhook' : 'webhooks'} → ${targets}${verified}` };
  }
  const merged = mergeProblems(problems);
  const status = merged.some((p) => p.level === 'fail') ? 'fail' : 'warn';
  return {
    ...base,
    status,
    detail: merged.map((p) => `${p.webhooks.length === 1 ? 'webhook' : 'webhooks'} ${p.webhooks.join(', ')}: ${p.text}`).join('; '),
    fix: [...new Set(merged.map((p) => p.fix))].join('; '),
  };
}

function mergeProblems(problems: readonly Problem[]): Problem[] {
  const byText = new Map<string, Problem>();
  for (const problem of problems) {
    const key = `${problem.level}\n${problem.text}`;
    const seen = byText.get(key);
    if (seen === undefined) byText.set(key, { ...problem, webhooks: [...problem.webhooks] });
    else seen.webhooks.push(...problem.webhooks);
  }
  return [...byText.values()];
}
