import type { ParsedChain } from '../../certs/servingTrust.js';
import { namesHost } from '../../certs/servingTrust.js';
import { reissueFix, serviceHost } from './certFixes.js';
import type { CheckResult, CheckTarget, Lookup, ServingSecretFacts } from './types.js';

// The certificate the webhook pods serve, as stored in their TLS Secret (the API server cannot be asked which
// one it was shown): present, readable, naming the Service the API server dials, and not about to expire.

const DAY_MS = 86_400_000;

export function servingCertificateCheck(
  target: CheckTarget,
  secret: Lookup<ServingSecretFacts>,
  parsed: ParsedChain | undefined,
  now: Date,
): CheckResult {
  const where = `Secret ${target.namespace}/${target.tlsSecret}`;
  const base = { id: 'serving-certificate', title: `Serving certificate (${where})` };
  if (secret.status === 'missing')
    return { ...base, status: 'fail', detail: 'not found: the webhook pods cannot start without it', fix: reissueFix(target) };
  if (secret.status === 'error') {
    return {
      ...base,
      status: 'fail',
      detail: `cannot read it: ${secret.message}`,
      fix: `you need get on secrets in namespace ${target.namespace} (check reads tls.crt and ca.crt; the private key is never read into its output)`,
    };
  }
  if (parsed === undefined || 'problem' in parsed) {
    return { ...base, status: 'fail', detail: parsed?.problem ?? 'tls.crt is empty', fix: reissueFix(target) };
  }
  const { leaf } = parsed;
  const host = serviceHost({ namespace: target.namespace, name: target.service });
  if (!namesHost(leaf, host)) {
    const names = [...leaf.dnsNames, ...leaf.ipAddresses].join(', ') || 'no SANs';
    return {
      ...base,
      status: 'fail',
      detail: `names ${names}, not ${host}, the name the API server dials (it checks SANs only)`,
      fix: `reissue it for Service ${target.namespace}/${target.service}: ${reissueFix(target)}`,
    };
  }
  const days = Math.floor((leaf.notAfter.getTime() - now.getTime()) / DAY_MS);
  const until = `valid until ${leaf.notAfter.toISOString()}`;
  if (now < leaf.notBefore || now > leaf.notAfter) {
    const when = now < leaf.notBefore ? `not valid before ${leaf.notBefore.toISOString()}` : `expired ${leaf.notAfter.toISOString()}`;
    return { ...base, status: 'fail', detail: `${when}: the API server refuses it`, fix: reissueFix(target) };
  }
  const summary = `names ${host}, issued by ${leaf.issuer}, ${until} (${days} days)`;
  if (days < target.certWarningDays) {
    return {
      ...base,
      status: 'warn',
      detail: `${summary}: under ${target.certWarningDays} days left`,
      fix: `renew it before it expires: ${reissueFix(target)}`,
    };
  }
  return { ...base, status: 'pass', detail: summary };
}
