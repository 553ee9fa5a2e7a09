import { describe, expect, it } from 'vitest';
import { entry, foundSecret, GOOD_SECRETS, headerForward, lookups, type EntryFixture } from '../validate/testEntries.js';
import type { SecretLookupResults } from '../validate/types.js';
import { DEFAULT_RULES, runRules } from '../validate/validateEntry.js';
import { REASONS, reasonFor } from './reasons.js';

// Reasons are derived from what the real rules report, so a rule whose wording or ids change breaks these tests.
function reasons(spec: EntryFixture['spec'], secrets: SecretLookupResults = GOOD_SECRETS): string[] {
  const e = entry({ spec });
  return runRules(DEFAULT_RULES, { entry: e, namespace: 'team-a', secrets })
    .filter((f) => f.severity === 'violation')
    .map(reasonFor);
}

const secretHeader = (headerName: string, name = 'github-token', key = 'token') => ({ headerName, valueSecretRef: { name, key } });

describe('reasonFor, over the rules the webhook runs', () => {
  it.each([
    ['a missing Secret (ToolHive reason)', headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', 'gone')] }), lookups({ gone: { status: 'not-found' } }), REASONS.headerSecretNotFound],
    ['a missing key', headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', 'github-token', 'nope')] }), GOOD_SECRETS, REASONS.headerSecretKeyNotFound],
    ['a value with a trailing newline', undefined, lookups({ 'github-token': foundSecret('github-token', { token: 'abc\n' }) }), REASONS.invalidHeaderValue],
    ['a Secret that could not be read', undefined, lookups({ 'github-token': { status: 'error', reason: 'HTTP 500' } }), REASONS.secretLookupFailed],
    ['a restricted header', headerForward({ addPlaintextHeaders: { Host: 'x' } }), GOOD_SECRETS, REASONS.restrictedHeader],
    ['a header name that is not a token', headerForward({ addPlaintextHeaders: { 'X Bad': 'x' } }), GOOD_SECRETS, REASONS.invalidHeaderName],
    ['a duplicate header name', headerForward({ addPlaintextHeaders: { 'X-Api-Key': 'x' }, addHeadersFromSecret: [secretHeader('x-api-key')] }), GOOD_SECRETS, REASONS.duplicateHeaderName],
    ['CR/LF in a plaintext value', headerForward({ addPlaintextHeaders: { 'X-Team': 'a\r\nb' } }), GOOD_SECRETS, REASONS.invalidHeaderValue],
    ['an empty Secret name', headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', '')] }), GOOD_SECRETS, REASONS.invalidSecretRef],
  ])('%s', (_what, spec, secrets, expected) => {
    expect(reasons(spec, secrets)).toEqual([expected]);
  });

  it('tells a private endpoint from a malformed URL', () => {
    expect(reasons({ remoteUrl: 'https://169.254.169.254/latest' })).toEqual([REASONS.privateEndpoint]);
    expect(reasons({ remoteUrl: 'ftp://example.com' })).toEqual([REASONS.invalidRemoteUrl]);
  });

  it('gives a finding of an unknown rule a generic reason instead of dropping it', () => {
    expect(reasonFor({ rule: 'added-later', subject: 'x', field: 'spec.x', message: 'm' })).toBe(REASONS.headerForwardInvalid);
  });
});
