// Provider and metadata polyfill first (certs/x509.ts sets them up on import).
import './x509.js';
import * as x509 from '@peculiar/x509';
import { splitPemCertificates } from './serving.js';

// Would the API server trust this serving certificate? The same questions Go's crypto/x509 asks when the
// API server dials a webhook: does a chain from the presented certificates reach one in caBundle, is every
// certificate on it valid now, and does the leaf name the host dialled (SANs only: Go ignores the CN).

export interface ServingCertificate {
  subject: string;
  issuer: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
}

export type ParsedChain = { leaf: ServingCertificate; chain: x509.X509Certificate[] } | { problem: string };

export type Trust = { trusted: true; anchor: string } | { trusted: false; reason: string };

function parseAll(pem: string, what: string): x509.X509Certificate[] | string {
  const blocks = splitPemCertificates(pem);
  if (blocks.length === 0) return `${what} holds no PEM certificate`;
  try {
    return blocks.map((block) => new x509.X509Certificate(block));
  } catch (error: unknown) {
    return `${what} holds a certificate that cannot be parsed (${error instanceof Error ? error.message : String(error)})`;
  }
}

function describe(certificate: x509.X509Certificate): ServingCertificate {
  const names = certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    dnsNames: names.filter((name) => name.type === 'dns').map((name) => name.value),
    ipAddresses: names.filter((name) => name.type === 'ip').map((name) => name.value),
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
  };
}

/** The serving chain of a tls.crt: the leaf first, then the intermediates the server presents with it. */
export function parseServingChain(pem: string, what = 'tls.crt'): ParsedChain {
  const chain = parseAll(pem, what);
  if (typeof chain === 'string') return { problem: chain };
  return { leaf: describe(chain[0]!), chain };
}

function sameCertificate(a: x509.X509Certificate, b: x509.X509Certificate): boolean {
  return Buffer.from(a.rawData).equals(Buffer.from(b.rawData));
}

function validAt(certificate: x509.X509Certificate, now: Date): string | undefined {
  if (now < certificate.notBefore) return `${certificate.subject} is not valid before ${certificate.notBefore.toISOString()}`;
  if (now > certificate.notAfter) return `${certificate.subject} expired ${certificate.notAfter.toISOString()}`;
  return undefined;
}

/** Whether `caBundlePem` trusts the presented chain at `now`: signatures checked link by link (WebCrypto). */
export async function verifyServingChain(presented: x509.X509Certificate[], caBundlePem: string | undefined, now: Date): Promise<Trust> {
  if (caBundlePem === undefined || caBundlePem.trim() === '') return { trusted: false, reason: 'caBundle is empty' };
  const anchors = parseAll(caBundlePem, 'caBundle');
  if (typeof anchors === 'string') return { trusted: false, reason: anchors };
  const [leaf, ...intermediates] = presented;
  if (leaf === undefined) return { trusted: false, reason: 'no serving certificate' };
  const built = await new x509.X509ChainBuilder({ certificates: [...intermediates, ...anchors] }).build(leaf);
  const anchorAt = built.findIndex((certificate) => anchors.some((anchor) => sameCertificate(anchor, certificate)));
  if (anchorAt < 0) {
    const holds = anchors.map((anchor) => anchor.subject).join('; ');
    return {
      trusted: false,
      reason: `no certificate in caBundle signed it: the chain ends at "${built[built.length - 1]!.subject}", caBundle holds "${holds}"`,
    };
  }
  const invalid = built
    .slice(0, anchorAt + 1)
    .map((certificate) => validAt(certificate, now))
    .find((problem) => problem !== undefined);
  if (invalid !== undefined) return { trusted: false, reason: invalid };
  return { trusted: true, anchor: built[anchorAt]!.subject };
}

function canonicalIp(ip: string): string {
  return ip.includes(':') ? new URL(`http://[${ip}]`).hostname.slice(1, -1) : ip;
}

function dnsMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot) === p.slice(1);
}

/** Whether the certificate names `host` (a DNS name or an IP literal) in its SANs, as Go checks it. */
export function namesHost(certificate: ServingCertificate, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(bare) || bare.includes(':')) {
    return certificate.ipAddresses.some((ip) => canonicalIp(ip) === canonicalIp(bare));
  }
  return certificate.dnsNames.some((name) => dnsMatches(name, bare));
}
