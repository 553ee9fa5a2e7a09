import { X509Certificate } from 'node:crypto';
import { createCa, issueLeaf } from './x509.js';

// The webhook's serving certificate for its in-cluster Service: what `mcp-header-forward certs` and the
// self-signed install produce. Minting goes through x509.ts; this file only decides names, lifetimes and bundles.

const DAY_MS = 86_400_000;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface ServiceRef {
  service: string;
  namespace: string;
}

export interface ServingBundle {
  /** PEM of the CA that signed the serving cert: goes into the webhook configurations' caBundle. */
  caPem: string;
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/** Throws with the flag name when a Service or namespace name cannot be a DNS label. */
export function checkServiceRef(ref: ServiceRef): void {
  for (const [flag, value] of [
    ['--service', ref.service],
    ['--namespace', ref.namespace],
  ] as const) {
    if (value.length > 63 || !DNS_LABEL.test(value)) {
      throw new Error(`${flag} "${value}": not a DNS label (lowercase letters, digits and '-', at most 63, e.g. mcp-header-forward)`);
    }
  }
}

/** Every name a client inside the cluster may use for the Service; the API server uses `<svc>.<ns>.svc`. */
export function serviceDnsNames({ service, namespace }: ServiceRef): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

export async function createServingBundle(ref: ServiceRef, days: number): Promise<ServingBundle> {
  checkServiceRef(ref);
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`--days ${days}: must be a whole number of days, at least 1`);
  const ca = await createCa({ commonName: `${ref.service}.${ref.namespace} webhook CA`, validForMs: days * DAY_MS });
  const leaf = await issueLeaf(ca, {
    commonName: `${ref.service}.${ref.namespace}.svc`,
    dnsNames: serviceDnsNames(ref),
    validForMs: days * DAY_MS,
  });
  return { caPem: ca.certPem, certPem: leaf.certPem, keyPem: leaf.keyPem, notAfter: leaf.notAfter };
}

/** Splits a PEM bundle into its certificates, in order. */
export function splitPemCertificates(bundle: string): string[] {
  return [...bundle.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/**
 * The caBundle during a rotation: the new CA first, then the previous CAs that are still valid, so the API
 * server trusts both the cert the webhook serves now and the one it serves after reloading. Old ones drop out.
 */
export function rotationCaBundle(newCaPem: string, previousBundle: string | undefined, now: Date, keep = 1): string {
  const previous = splitPemCertificates(previousBundle ?? '')
    .filter((pem) => pem.trim() !== newCaPem.trim())
    .filter((pem) => Date.parse(new X509Certificate(pem).validTo) > now.getTime())
    .slice(0, keep);
  return [newCaPem, ...previous].map((pem) => pem.trim()).join('\n') + '\n';
}

export type RenewalDecision = { renew: false } | { renew: true; reason: string };

/** Whether an existing serving cert must be replaced: missing, wrong names, or within `renewBeforeDays` of expiry. */
export function renewalDecision(
  existing: { certPem?: string | undefined; keyPem?: string | undefined; caPem?: string | undefined },
  ref: ServiceRef,
  now: Date,
  renewBeforeDays: number,
): RenewalDecision {
  if (!existing.certPem || !existing.keyPem || !existing.caPem) return { renew: true, reason: 'no serving certificate yet' };
  const cert = new X509Certificate(existing.certPem);
  const names = new Set((cert.subjectAltName ?? '').split(', ').map((n) => n.replace(/^DNS:/, '')));
  const missing = serviceDnsNames(ref).filter((name) => !names.has(name));
  if (missing.length > 0) return { renew: true, reason: `certificate does not name ${missing.join(', ')}` };
  if (!cert.checkIssued(new X509Certificate(splitPemCertificates(existing.caPem)[0] ?? existing.caPem))) {
    return { renew: true, reason: 'certificate was not issued by the CA stored beside it' };
  }
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() - now.getTime() < renewBeforeDays * DAY_MS) {
    return { renew: true, reason: `certificate expires ${notAfter.toISOString()}, within ${renewBeforeDays} days` };
  }
  return { renew: false };
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
