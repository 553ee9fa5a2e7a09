import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createServingBundle, renewalDecision, rotationCaBundle, serviceDnsNames, splitPemCertificates } from './serving.js';
import { createCa } from './x509.js';

const ref = { service: 'mcp-header-forward', namespace: 'mhf' };
const DAY = 86_400_000;

describe('serving certificates for the webhook Service', () => {
  it('name every form a client in the cluster may use, including the one the API server uses', () => {
    expect(serviceDnsNames(ref)).toEqual([
      'mcp-header-forward',
      'mcp-header-forward.mhf',
      'mcp-header-forward.mhf.svc',
      'mcp-header-forward.mhf.svc.cluster.local',
    ]);
  });

  it('issue a cert for those names, signed by the CA that goes into caBundle', async () => {
    const bundle = await createServingBundle(ref, 10);
    const cert = new X509Certificate(bundle.certPem);
    expect(cert.checkIssued(new X509Certificate(bundle.caPem))).toBe(true);
    expect(cert.checkHost('mcp-header-forward.mhf.svc')).toBe('mcp-header-forward.mhf.svc');
    expect(bundle.notAfter.getTime()).toBeGreaterThan(Date.now() + 9 * DAY);
  });

  it.each([
    [{ service: 'Webhook', namespace: 'mhf' }, /--service "Webhook"/],
    [{ service: 'w', namespace: 'a.b' }, /--namespace "a.b"/],
  ])('refuse a name that is not a DNS label, naming the flag (%o)', async (bad, message) => {
    await expect(createServingBundle(bad, 10)).rejects.toThrow(message);
  });

  it('refuse a validity of zero days', async () => {
    await expect(createServingBundle(ref, 0)).rejects.toThrow(/--days 0/);
  });
});

describe('renewal', () => {
  it('renews when there is nothing yet', () => {
    expect(renewalDecision({}, ref, new Date(), 30)).toEqual({ renew: true, reason: 'no serving certificate yet' });
  });

  it('keeps a cert that is valid for longer than the renewal window', async () => {
    const bundle = await createServingBundle(ref, 90);
    expect(renewalDecision(bundle, ref, new Date(), 30)).toEqual({ renew: false });
  });

  it('renews a cert inside the renewal window', async () => {
    const bundle = await createServingBundle(ref, 20);
    expect(renewalDecision(bundle, ref, new Date(), 30)).toMatchObject({ renew: true, reason: expect.stringMatching(/within 30 days/) });
  });

  it('renews a cert for another Service', async () => {
    const bundle = await createServingBundle({ service: 'other', namespace: 'mhf' }, 90);
    expect(renewalDecision(bundle, ref, new Date(), 30)).toMatchObject({
      reason: expect.stringMatching(/does not name mcp-header-forward,/),
    });
  });

  it('renews a cert whose stored CA did not sign it', async () => {
    const bundle = await createServingBundle(ref, 90);
    const stranger = await createCa({ commonName: 'stranger', validForMs: 90 * DAY });
    expect(renewalDecision({ ...bundle, caPem: stranger.certPem }, ref, new Date(), 30)).toMatchObject({
      reason: expect.stringMatching(/not issued by the CA/),
    });
  });
});

describe('caBundle during rotation', () => {
  it('trusts the new CA and the previous one, new first', async () => {
    const [oldCa, newCa] = await Promise.all([
      createCa({ commonName: 'old', validForMs: DAY }),
      createCa({ commonName: 'new', validForMs: DAY }),
    ]);
    const bundle = rotationCaBundle(newCa.certPem, oldCa.certPem, new Date());
    expect(splitPemCertificates(bundle).map((pem) => new X509Certificate(pem).subject)).toEqual(['CN=new', 'CN=old']);
  });

  it('is stable when re-run with the bundle it produced', async () => {
    const [oldCa, newCa] = await Promise.all([
      createCa({ commonName: 'old', validForMs: DAY }),
      createCa({ commonName: 'new', validForMs: DAY }),
    ]);
    const once = rotationCaBundle(newCa.certPem, oldCa.certPem, new Date());
    expect(rotationCaBundle(newCa.certPem, once, new Date())).toBe(once);
  });

  it('drops expired CAs and keeps only one previous CA', async () => {
    const cas = await Promise.all(['a', 'b', 'c'].map((commonName) => createCa({ commonName, validForMs: DAY })));
    const previous = `${cas[1]!.certPem}${cas[2]!.certPem}`;
    expect(splitPemCertificates(rotationCaBundle(cas[0]!.certPem, previous, new Date()))).toHaveLength(2);
    expect(splitPemCertificates(rotationCaBundle(cas[0]!.certPem, previous, new Date(Date.now() + 2 * DAY)))).toHaveLength(1);
  });
});
