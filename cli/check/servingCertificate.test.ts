import { beforeAll, describe, expect, it } from 'vitest';
import { parseServingChain } from '../../certs/servingTrust.js';
import { createCa, issueLeaf, type Issuer } from '../../certs/x509.js';
import { servingCertificateCheck } from './servingCertificate.js';
import { DEFAULT_TARGET as target } from './target.js';

const DAY = 86_400_000;
const HOST = 'mcp-header-forward.mcp-header-forward.svc';
let ca: Issuer;

beforeAll(async () => {
  ca = await createCa({ commonName: 'webhook CA', validForMs: 400 * DAY });
});

async function secretWith(dnsNames: string[], days: number): Promise<{ certPem: string; caPem: string }> {
  const leaf = await issueLeaf(ca, { commonName: dnsNames[0] ?? 'x', dnsNames, validForMs: days * DAY });
  return { certPem: leaf.certPem, caPem: ca.certPem };
}

const found = (value: { certPem: string; caPem: string }) => ({ status: 'found' as const, value });

describe('servingCertificateCheck', () => {
  it('passes for a certificate naming the Service, with issuer, expiry and days left', async () => {
    const secret = await secretWith([HOST], 90);
    const result = servingCertificateCheck(target, found(secret), parseServingChain(secret.certPem), new Date());
    expect(result).toMatchObject({
      id: 'serving-certificate',
      title: 'Serving certificate (Secret mcp-header-forward/mcp-header-forward-tls)',
      status: 'pass',
    });
    expect(result.detail).toMatch(
      /^names mcp-header-forward\.mcp-header-forward\.svc, issued by CN=webhook CA, valid until \S+ \(89 days\)$/,
    );
  });

  it('warns under --cert-warning-days, with how to renew', async () => {
    const secret = await secretWith([HOST], 10);
    const result = servingCertificateCheck(target, found(secret), parseServingChain(secret.certPem), new Date());
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.detail).toContain('(9 days): under 30 days left');
    expect(result.fix).toContain(
      'renew it before it expires: self-signed overlay: kubectl -n mcp-header-forward create job mcp-header-forward-certs-now',
    );
  });

  it('fails once expired', async () => {
    const secret = await secretWith([HOST], 10);
    const result = servingCertificateCheck(target, found(secret), parseServingChain(secret.certPem), new Date(Date.now() + 11 * DAY));
    expect(result).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^expired \S+: the API server refuses it$/) });
  });

  it('fails when the certificate does not name <service>.<namespace>.svc, listing what it names', async () => {
    const secret = await secretWith(['mcp-header-forward', 'other.mcp-header-forward.svc'], 90);
    const result = servingCertificateCheck(target, found(secret), parseServingChain(secret.certPem), new Date());
    expect(result).toMatchObject({
      status: 'fail',
      detail: `names mcp-header-forward, other.mcp-header-forward.svc, not ${HOST}, the name the API server dials (it checks SANs only)`,
    });
    expect(result.fix).toContain('reissue it for Service mcp-header-forward/mcp-header-forward');
  });

  it("fails when the Secret is missing, with both overlays' ways to (re)issue it", () => {
    const result = servingCertificateCheck(target, { status: 'missing' }, undefined, new Date());
    expect(result).toMatchObject({ status: 'fail', detail: 'not found: the webhook pods cannot start without it' });
    expect(result.fix).toContain('--from=cronjob/mcp-header-forward-certs');
    expect(result.fix).toContain('describe certificate mcp-header-forward-serving');
  });

  it('fails when the Secret cannot be read, saying the key is never read into the output', () => {
    const result = servingCertificateCheck(target, { status: 'error', code: 403, message: 'HTTP 403' }, undefined, new Date());
    expect(result).toMatchObject({ status: 'fail', detail: 'cannot read it: HTTP 403' });
    expect(result.fix).toContain('the private key is never read into its output');
  });

  it('fails when tls.crt is empty or not a certificate', () => {
    expect(servingCertificateCheck(target, found({ certPem: '', caPem: '' }), undefined, new Date())).toMatchObject({
      status: 'fail',
      detail: 'tls.crt is empty',
    });
    const garbage = parseServingChain('junk', 'Secret mcp-header-forward/mcp-header-forward-tls key tls.crt');
    expect(servingCertificateCheck(target, found({ certPem: 'junk', caPem: '' }), garbage, new Date())).toMatchObject({
      status: 'fail',
      detail: 'Secret mcp-header-forward/mcp-header-forward-tls key tls.crt holds no PEM certificate',
    });
  });
});
