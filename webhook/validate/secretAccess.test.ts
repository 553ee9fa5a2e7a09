import { describe, expect, it } from 'vitest';
import { mayNotReadMessage, secretAccessRule } from './secretAccess.js';
import { entry, foundSecret, headerForward, lookups } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from './types.js';

const NAME_PATH = 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name';
const check = (lookup: SecretLookup) =>
  secretAccessRule.check({ entry: entry(), namespace: 'team-a', secrets: lookups({ 'github-token': lookup }) });

describe('secret-access rule', () => {
  it('denies a Secret the requester may not read, with the exact message at the ref name', () => {
    expect(check({ status: 'forbidden', user: 'mallory' })).toEqual([
      expect.objectContaining({
        severity: 'violation',
        field: NAME_PATH,
        message: 'user "mallory" may not read Secret "github-token"; only users who can read a Secret may forward it',
      }),
    ]);
  });

  it('fails closed when the access review could not run, and says so', () => {
    const [finding] = check({ status: 'access-unknown', user: 'mallory', reason: 'the API server answered HTTP 500' });
    expect(finding).toMatchObject({
      severity: 'violation',
      field: NAME_PATH,
      message: 'could not check whether user "mallory" may read Secret "github-token": the API server answered HTTP 500',
      hint: expect.stringMatching(/subjectaccessreviews/),
    });
  });

  it.each<[string, SecretLookup]>([
    ['found', foundSecret('github-token', { token: 'x' })],
    ['not found', { status: 'not-found' }],
    ['a GET error', { status: 'error', reason: 'timeout' }],
  ])('has nothing to say about a Secret that was %s (the requester may read it)', (_case, lookup) => {
    expect(check(lookup)).toEqual([]);
  });

  it('reports each header that references the Secret, and names ref and remoteUrl in the subject', () => {
    const twice = entry({
      spec: headerForward({
        addHeadersFromSecret: [
          { headerName: 'X-A', valueSecretRef: { name: 's', key: 'a' } },
          { headerName: 'X-B', valueSecretRef: { name: 's', key: 'b' } },
        ],
      }),
    });
    const findings = secretAccessRule.check({
      entry: twice,
      namespace: 'team-a',
      secrets: lookups({ s: { status: 'forbidden', user: 'u' } }),
    });
    expect(findings.map((f) => f.subject)).toEqual([
      'secret-access:s/a@https://api.example.com/mcp',
      'secret-access:s/b@https://api.example.com/mcp',
    ]);
  });

  it('quotes odd user names safely', () => {
    expect(mayNotReadMessage('system:serviceaccount:ns:"x"', 'a')).toBe(
      'user "system:serviceaccount:ns:\\"x\\"" may not read Secret "a"; only users who can read a Secret may forward it',
    );
  });
});
