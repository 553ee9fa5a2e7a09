import { describe, expect, it } from 'vitest';
import { certManagerCheck } from './certManager.js';
import type { CrdFacts } from './types.js';

const served = (plural: string, servedVersions = ['v1'], established = true): CrdFacts => ({
  plural,
  group: 'cert-manager.io',
  read: { status: 'found', value: { servedVersions, storageVersion: servedVersions[0], established } },
});

describe('certManagerCheck', () => {
  it('passes when both CRDs are Established and serve v1', () => {
    expect(certManagerCheck([served('certificates'), served('issuers')])).toMatchObject({
      id: 'cert-manager',
      title: 'cert-manager CRDs (certificates, issuers.cert-manager.io v1)',
      status: 'pass',
    });
  });

  it('fails naming each missing or unserved CRD, with how to install cert-manager or choose the self-signed source', () => {
    const result = certManagerCheck([
      { plural: 'certificates', group: 'cert-manager.io', read: { status: 'missing' } },
      served('issuers', ['v1alpha2']),
    ]);
    expect(result).toMatchObject({
      status: 'fail',
      detail: 'certificates.cert-manager.io not found; issuers.cert-manager.io serves v1alpha2, not v1',
    });
    expect(result.fix).toContain('install cert-manager >= 1.0 first');
    expect(result.fix).toContain('certificates.source=self-signed');
  });

  it('fails on a CRD not yet Established, and on one it may not read (then the fix is the permission)', () => {
    expect(certManagerCheck([served('certificates', ['v1'], false), served('issuers')]).detail).toBe(
      'certificates.cert-manager.io not Established',
    );
    const unreadable = certManagerCheck([
      { plural: 'certificates', group: 'cert-manager.io', read: { status: 'error', code: 403, message: 'forbidden' } },
      served('issuers'),
    ]);
    expect(unreadable).toMatchObject({ status: 'fail', fix: 'you need get on customresourcedefinitions.apiextensions.k8s.io' });
  });
});
