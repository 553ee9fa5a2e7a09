// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the metadata polyfill loaded first.
import 'reflect-metadata';
import { webcrypto, randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// One code path for every certificate we mint: the webhook's dev/self-signed CA and serving cert,
// the test harness's certs, and the sidecar's per-pod CA and leaf certs. ECDSA P-256 throughout.
x509.cryptoProvider.set(webcrypto as Parameters<typeof x509.cryptoProvider.set>[1]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const MINUTE = 60_000;

export interface Issuer {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  certPem: string;
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

export interface CaOptions {
  commonName: string;
  validForMs: number;
}

export interface LeafOptions {
  commonName: string;
  /** Subject O= entries; Kubernetes reads client certs' organizations as the user's groups. */
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  validForMs: number;
  /** `server` for TLS servers (default), `client` for client auth. */
  usage?: 'server' | 'client';
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

async function keyPemOf(key: CryptoKey): Promise<string> {
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
}

function validity(validForMs: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  // Backdate a little: clocks between pods and nodes drift.
  return { notBefore: new Date(now - 5 * MINUTE), notAfter: new Date(now + validForMs) };
}

/** A self-signed CA. The key stays in memory unless the caller exports it with `exportIssuerKey`. */
export async function createCa(options: CaOptions): Promise<Issuer> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${escapeDn(options.commonName)}`,
    ...validity(options.validForMs),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, privateKey: keys.privateKey, certPem: certificate.toString('pem') };
}

export async function exportIssuerKey(issuer: Issuer): Promise<string> {
  return keyPemOf(issuer.privateKey);
}

/** Load a CA from PEM (cert + PKCS#8 key), e.g. one written by `mcp-header-forward certs`. */
export async function loadCa(certPem: string, keyPem: string): Promise<Issuer> {
  const certificate = new x509.X509Certificate(certPem);
  const der = x509.PemConverter.decodeFirst(keyPem);
  const privateKey = (await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign'])) as CryptoKey;
  return { certificate, privateKey, certPem: certificate.toString('pem') };
}

/** A leaf certificate signed by `issuer`: webhook serving certs, sidecar per-host certs, test client certs. */
export async function issueLeaf(issuer: Issuer, options: LeafOptions): Promise<IssuedCert> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const usage = options.usage ?? 'server';
  const { notBefore, notAfter: wanted } = validity(options.validForMs);
  const notAfter = clampTo(wanted, issuer.certificate.notAfter);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [`CN=${escapeDn(options.commonName)}`, ...(options.organizations ?? []).map((o) => `O=${escapeDn(o)}`)].join(', '),
    issuer: issuer.certificate.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: issuer.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth], false),
      ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.certificate, false),
    ],
  });
  return { certPem: certificate.toString('pem'), keyPem: await keyPemOf(keys.privateKey), notAfter };
}

function clampTo(date: Date, limit: Date): Date {
  return date.getTime() > limit.getTime() ? limit : date;
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

/** Expiry of the first certificate in a PEM bundle (for the cert-expiry metric). */
export function certificateNotAfter(certPem: string): Date {
  return new x509.X509Certificate(certPem).notAfter;
}
