import { describe, expect, it } from 'vitest';
import { secretRefRule } from './secretRefs.js';
import { entry, foundSecret, headerForward, lookups } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from './types.js';

const KEY_PATH = 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key';
const NAME_PATH = 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name';

const check = (lookup: SecretLookup | undefined, ref: { name: string; key: string } = { name: 'github-token', key: 'token' }) =>
  secretRefRule.check({
    entry: entry({ spec: headerForward({ addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: ref }] }) }),
    namespace: 'team-a',
    secrets: lookups(lookup === undefined ? {} : { [ref.name]: lookup }),
  });

describe('secret-ref rule', () => {
  it('accepts an existing key with a clean value', () => {
    expect(check(foundSecret('github-token', { token: 'ghp_abc' }))).toEqual([]);
  });

  it.each<[string, SecretLookup | undefined, string, RegExp]>([
    ['a missing Secret', { status: 'not-found' }, NAME_PATH, /^Secret "github-token" not found in namespace "team-a"$/],
    [
      'an API error',
      { status: 'error', reason: 'the API server answered HTTP 500' },
      NAME_PATH,
      /^could not check Secret "github-token" in namespace "team-a": the API server answered HTTP 500$/,
    ],
    ['a lookup that never happened', undefined, NAME_PATH, /could not check .*not looked up/],
    [
      'a missing key',
      foundSecret('github-token', { other: 'x', another: 'y' }),
      KEY_PATH,
      /^key "token" not found in Secret "github-token"$/,
    ],
    ['an empty value', foundSecret('github-token', { token: '' }), KEY_PATH, /value of key "token" of Secret "github-token" is empty/],
    ['a trailing newline', foundSecret('github-token', { token: 'ghp_abc\n' }), KEY_PATH, /ends with a trailing newline/],
    ['a CR', foundSecret('github-token', { token: 'ghp\rabc' }), KEY_PATH, /contains a CR character/],
    ['an LF inside', foundSecret('github-token', { token: 'ghp\nabc' }), KEY_PATH, /contains a LF character/],
    ['a NUL', foundSecret('github-token', { token: 'ghp\0abc' }), KEY_PATH, /contains a NUL character/],
  ])('denies %s', (_case, lookup, field, message) => {
    const findings = check(lookup);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'violation', field, message: expect.stringMatching(message), hint: expect.any(String) });
  });

  it('says how to recreate a Secret with a trailing newline', () => {
    expect(check(foundSecret('github-token', { token: 'ghp_abc\n' }))[0]!.hint).toMatch(/--from-literal=token=VALUE.*echo -n/);
  });

  it.each([
    [{ name: '', key: 'token' }, NAME_PATH],
    [{ name: 'github-token', key: '' }, KEY_PATH],
  ])('reports an empty reference field %j', (ref, field) => {
    expect(check(undefined, ref)).toEqual([expect.objectContaining({ field, message: 'is empty' })]);
  });

  it('reports a missing valueSecretRef', () => {
    const findings = secretRefRule.check({
      entry: entry({ spec: headerForward({ addHeadersFromSecret: [{ headerName: 'X-Api-Key' }] }) }),
      namespace: 'team-a',
      secrets: new Map(),
    });
    expect(findings).toEqual([
      expect.objectContaining({ field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef', message: 'is required' }),
    ]);
  });

  it('checks every item and keeps its index in the path', () => {
    const findings = secretRefRule.check({
      entry: entry({
        spec: headerForward({
          addHeadersFromSecret: [
            { headerName: 'A', valueSecretRef: { name: 'ok', key: 'k' } },
            { headerName: 'B', valueSecretRef: { name: 'gone', key: 'k' } },
            { headerName: 'C', valueSecretRef: { name: 'ok', key: 'missing' } },
          ],
        }),
      }),
      namespace: 'team-a',
      secrets: lookups({ ok: foundSecret('ok', { k: 'v' }), gone: { status: 'not-found' } }),
    });
    expect(findings.map((f) => f.field)).toEqual([
      'spec.headerForward.addHeadersFromSecret[1].valueSecretRef.name',
      'spec.headerForward.addHeadersFromSecret[2].valueSecretRef.key',
    ]);
  });
});
