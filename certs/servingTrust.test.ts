// @peculiar/x509 needs the metadata polyfill before it loads (see certs/x509.ts).
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { namesHost, parseServingChain, verifyServingChain, type ServingCertificate } from './servingTrust.js';
import { createCa, issueLeaf, loadCa, type Issuer } from './x509.js';

const HOUR = 3_600_000;
const HOST = 'mcp-header-forward.mcp-header-forward.svc';
let ca: Issuer;
let servingPem: string;

beforeAll(async () => {
  ca = await createCa({ commonName: 'webhook CA', validForMs: 24 * HOUR });
  servingPem = (await issueLeaf(ca, { commonName: HOST, dnsNames: [HOST], ipAddresses: ['127.0.0.1'], validForMs: 2 * HOUR })).certPem;
});

function chainOf(pem: string): x509.X509Certificate[] {
  const parsed = parseServingChain(pem);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.chain;
}

/** An intermediate CA signed by `root`: the generator directly, since certs/x509.ts only mints self-signed CAs. */
async function intermediateOf(root: Issuer): Promise<Issuer & { keyPem: string }> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=intermediate',
    issuer: root.certificate.subject,
    notBefore: new Date(Date.now() - HOUR),
    notAfter: new Date(Date.now() + 10 * HOUR),
    publicKey: keys.publicKey,
    signingKey: root.privateKey,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.certificate, false),
    ],
  });
  const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { ...(await loadCa(certificate.toString('pem'), keyPem)), keyPem };
}

describe('verifyServingChain', () => {
  it('trusts a certificate signed by the CA in caBundle, and names that CA', async () => {
    expect(await verifyServingChain(chainOf(servingPem), ca.certPem, new Date())).toEqual({ trusted: true, anchor: 'CN=webhook CA' });
  });

  it('refuses a caBundle of another CA, even one with the same name (a rotated CA that never reached caBundle)', async () => {
    const other = await createCa({ commonName: 'webhook CA', validForMs: HOUR });
    const trust = await verifyServingChain(chainOf(servingPem), other.certPem, new Date());
    expect(trust).toEqual({
      trusted: false,
      reason: expect.stringContaining(
        'no certificate in caBundle signed it: the chain ends at "CN=mcp-header-forward.mcp-header-forward.svc"',
      ),
    });
  });

  it('trusts during a rotation: the new CA first, the old one after it', async () => {
    const next = await createCa({ commonName: 'webhook CA', validForMs: HOUR });
    expect(await verifyServingChain(chainOf(servingPem), `${next.certPem}${ca.certPem}`, new Date())).toMatchObject({ trusted: true });
  });

  it('follows an intermediate the server presents after its leaf up to the root in caBundle', async () => {
    const intermediate = await intermediateOf(ca);
    const leaf = await issueLeaf(intermediate, { commonName: HOST, dnsNames: [HOST], validForMs: HOUR });
    expect(await verifyServingChain(chainOf(`${leaf.certPem}${intermediate.certPem}`), ca.certPem, new Date())).toEqual({
      trusted: true,
      anchor: 'CN=webhook CA',
    });
    // Without the intermediate the root cannot be reached: what the API server would see from such a tls.crt.
    expect(await verifyServingChain(chainOf(leaf.certPem), ca.certPem, new Date())).toMatchObject({ trusted: false });
  });

  it('refuses an expired certificate on the chain, naming it and when', async () => {
    const later = new Date(Date.now() + 3 * HOUR);
    const trust = await verifyServingChain(chainOf(servingPem), ca.certPem, later);
    expect(trust).toEqual({
      trusted: false,
      reason: expect.stringMatching(/^CN=mcp-header-forward\.mcp-header-forward\.svc expired \d{4}-/),
    });
  });

  it('says what is wrong with an empty or unreadable caBundle', async () => {
    expect(await verifyServingChain(chainOf(servingPem), undefined, new Date())).toEqual({ trusted: false, reason: 'caBundle is empty' });
    expect(await verifyServingChain(chainOf(servingPem), 'not a certificate', new Date())).toEqual({
      trusted: false,
      reason: 'caBundle holds no PEM certificate',
    });
  });
});

describe('parseServingChain', () => {
  it('reads the leaf: subject, issuer, SANs and validity', () => {
    const parsed = parseServingChain(servingPem);
    expect(parsed).toMatchObject({
      leaf: { subject: `CN=${HOST}`, issuer: 'CN=webhook CA', dnsNames: [HOST], ipAddresses: ['127.0.0.1'] },
    });
  });

  it('names the key holding no certificate', () => {
    expect(parseServingChain('', 'Secret ns/tls key tls.crt')).toEqual({ problem: 'Secret ns/tls key tls.crt holds no PEM certificate' });
  });
});

describe('namesHost', () => {
  const cert = (dnsNames: string[], ipAddresses: string[] = []): ServingCertificate => ({
    subject: 'CN=x',
    issuer: 'CN=ca',
    dnsNames,
    ipAddresses,
    notBefore: new Date(0),
    notAfter: new Date(0),
  });

  it('matches DNS names exactly, case-insensitively, and a wildcard for one label only', () => {
    expect(namesHost(cert([HOST]), HOST)).toBe(true);
    expect(namesHost(cert([HOST.toUpperCase()]), HOST)).toBe(true);
    expect(namesHost(cert(['mcp-header-forward']), HOST)).toBe(false);
    expect(namesHost(cert(['*.mcp-header-forward.svc']), HOST)).toBe(true);
    expect(namesHost(cert(['*.svc']), HOST)).toBe(false);
  });

  it('matches IP literals against IP SANs only, IPv6 in any spelling', () => {
    expect(namesHost(cert([], ['127.0.0.1']), '127.0.0.1')).toBe(true);
    expect(namesHost(cert(['127.0.0.1']), '127.0.0.1')).toBe(false);
    expect(namesHost(cert([], ['0:0:0:0:0:0:0:1']), '[::1]')).toBe(true);
  });
});
