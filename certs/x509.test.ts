import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCa, exportIssuerKey, issueLeaf, loadCa } from './x509.js';

describe('certs', () => {
  it('issues a serving cert that verifies against its CA and names the SANs', async () => {
    const ca = await createCa({ commonName: 'test-ca', validForMs: 3_600_000 });
    const leaf = await issueLeaf(ca, {
      commonName: 'svc.ns.svc',
      dnsNames: ['svc.ns.svc', 'svc.ns.svc.cluster.local'],
      ipAddresses: ['127.0.0.1'],
      validForMs: 600_000,
    });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.subjectAltName).toContain('DNS:svc.ns.svc.cluster.local');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('round-trips a CA through PEM and keeps issuing', async () => {
    const ca = await createCa({ commonName: 'round-trip', validForMs: 3_600_000 });
    const loaded = await loadCa(ca.certPem, await exportIssuerKey(ca));
    const leaf = await issueLeaf(loaded, { commonName: 'x', dnsNames: ['x'], validForMs: 60_000 });
    expect(new X509Certificate(leaf.certPem).checkIssued(new X509Certificate(ca.certPem))).toBe(true);
  });

  it('never issues a leaf that outlives its CA', async () => {
    const ca = await createCa({ commonName: 'short', validForMs: 60_000 });
    const leaf = await issueLeaf(ca, { commonName: 'x', dnsNames: ['x'], validForMs: 3_600_000 });
    const leafEnd = Date.parse(new X509Certificate(leaf.certPem).validTo);
    expect(leafEnd).toBeLessThanOrEqual(Date.parse(new X509Certificate(ca.certPem).validTo));
    expect(leaf.notAfter.getTime()).toBeLessThanOrEqual(ca.certificate.notAfter.getTime());
  });
});
