import { describe, expect, it } from 'vitest';
import { entry, GOOD_SECRETS, headerForward, type EntryFixture } from '../../test/unit/webhook/validateEntries.js';
import { validateEntry } from '../validate/validateEntry.js';
import { planRoutes } from './routes.js';

// The injector leaves out an entry exactly when the validating webhook refuses it for its header names, plaintext
// values or remoteUrl: both call the same rule code. Secrets are all there (GOOD_SECRETS), so only those rules speak.

const secretHeader = (headerName: string) => ({ headerName, valueSecretRef: { name: 'github-token', key: 'token' } });
const plaintext = (headers: Record<string, string>) => headerForward({ addPlaintextHeaders: headers });

const CASES: [string, EntryFixture['spec']][] = [
  ['the valid fixture', undefined],
  ['Authorization in plaintext (not restricted; a warning only)', plaintext({ Authorization: 'Bearer x' })],
  ['Authorization from a Secret', headerForward({ addHeadersFromSecret: [secretHeader('Authorization')] })],
  ['plain http (a warning only)', { remoteUrl: 'http://api.example.com/mcp' }],
  ['a space in a header name', plaintext({ 'X Bad': 'v' })],
  ['a colon in a secret header name', headerForward({ addHeadersFromSecret: [secretHeader('X:Api')] })],
  ['a non-ASCII header name', plaintext({ 'X-Ünicode': 'v' })],
  ['Host', plaintext({ Host: 'evil.example' })],
  ['x-forwarded-for in lower case', plaintext({ 'x-forwarded-for': '1.2.3.4' })],
  ['Proxy-Authorization from a Secret', headerForward({ addHeadersFromSecret: [secretHeader('Proxy-Authorization')] })],
  ['Transfer-Encoding in upper case', plaintext({ 'TRANSFER-ENCODING': 'chunked' })],
  [
    'a plaintext and a secret header differing in case',
    headerForward({ addPlaintextHeaders: { 'X-Api-Key': 'v' }, addHeadersFromSecret: [secretHeader('x-api-key')] }),
  ],
  ['two plaintext headers differing in case', plaintext({ 'X-Tenant': 'a', 'x-tenant': 'b' })],
  ['two secret headers differing in case', headerForward({ addHeadersFromSecret: [secretHeader('X-A'), secretHeader('x-a')] })],
  ['CR/LF in a value', plaintext({ 'X-Team': 'a\r\nb' })],
  ['a bell character in a value', plaintext({ 'X-Team': 'a\u0007b' })],
  ['NUL in a value', plaintext({ 'X-Team': 'a\u0000b' })],
  ['DEL in a value', plaintext({ 'X-Team': 'a\u007fb' })],
  ['a trailing newline', plaintext({ 'X-Team': 'repos\n' })],
  ['a non-ASCII value', plaintext({ 'X-Team': 'ünïcode' })],
  ['a tab in a value (allowed)', plaintext({ 'X-Team': 'a\tb' })],
  ['an ftp remoteUrl', { remoteUrl: 'ftp://files.example.com/' }],
  ['a file remoteUrl', { remoteUrl: 'file:///etc/passwd' }],
  ['a remoteUrl that does not parse', { remoteUrl: 'not a url' }],
  ['an http remoteUrl without a host', { remoteUrl: 'https://' }],
  ['no remoteUrl', { remoteUrl: '' }],
  ['two problems at once', headerForward({ addPlaintextHeaders: { 'X-A': '1', 'x-a': '2', Host: 'h' } })],
];

function judge(spec: EntryFixture['spec']) {
  const e = entry({ spec });
  const violations = validateEntry({ entry: e, operation: 'CREATE', namespace: 'team-a', secrets: GOOD_SECRETS }).violations;
  const plan = planRoutes([e]);
  const skip = plan.warnings.find((w) => w.startsWith('MCPServerEntry team-a/github skipped: '));
  return { violations, routed: plan.routes.length === 1, skip };
}

describe('the injector and the validating webhook agree on unservable entries', () => {
  it.each(CASES)('%s', (_what, spec) => {
    const { violations, routed, skip } = judge(spec);
    expect(routed).toBe(violations.length === 0);
    expect(skip === undefined).toBe(violations.length === 0);
    // In the validating webhook's words, and its first problem when there are several.
    if (skip !== undefined) expect(skip).toBe(`MCPServerEntry team-a/github skipped: ${violations[0]!.field}: ${violations[0]!.message}`);
  });

  it('skips two secret headers with one env var as the header-name rule denies them (its own words: the env var it would create)', () => {
    const { violations, routed, skip } = judge(
      headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key'), secretHeader('X-Api.Key')] }),
    );
    expect(violations.map((v) => v.reason)).toEqual(['DuplicateHeaderName']);
    expect(routed).toBe(false);
    expect(skip).toMatch(/maps to env var TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_GITHUB like another header/);
  });

  // The sidecar can carry these as written; whether they may be written is admission's call (allowPrivateEndpoint).
  it.each([
    ['a private endpoint', { remoteUrl: 'https://10.0.0.5/mcp' }],
    ['a password in the remoteUrl', { remoteUrl: 'https://u:p@api.example.com/mcp' }],
  ])('routes %s, which only admission refuses', (_what, spec) => {
    const { violations, routed } = judge(spec);
    expect(violations).toHaveLength(1);
    expect(routed).toBe(true);
  });
});
