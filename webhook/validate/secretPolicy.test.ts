import { describe, expect, it } from 'vitest';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { MISSING_SECRET_ADMITTED, rulesFor } from './secretPolicy.js';
import { entry, foundSecret, GOOD_SECRETS, headerForward, lookups } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookupResults, ValidationInput } from './types.js';
import { validateEntry } from './validateEntry.js';

const create = (secrets: SecretLookupResults, overrides: Partial<ValidationInput> = {}): ValidationInput => ({
  entry: entry(),
  operation: 'CREATE',
  namespace: 'team-a',
  secrets,
  ...overrides,
});
const deny = rulesFor({ missingSecret: 'deny', requireHostBinding: false });
const warn = rulesFor({ missingSecret: 'warn', requireHostBinding: false });
const forbidden = lookups({ 'github-token': { status: 'forbidden', user: 'mallory' } });
const MAY_NOT_READ =
  'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: user "mallory" may not read Secret "github-token"; only users who can read a Secret may forward it';

describe('--missing-secret', () => {
  it('deny (default) denies a missing Secret', () => {
    expect(validateEntry(create(lookups({ 'github-token': { status: 'not-found' } })), deny).violations).toHaveLength(1);
  });

  it('warn admits a missing Secret with a warning', () => {
    const result = validateEntry(create(lookups({ 'github-token': { status: 'not-found' } })), warn);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([
      expect.stringContaining(`Secret "github-token" not found in namespace "team-a" ${MISSING_SECRET_ADMITTED}`),
    ]);
  });

  it('warn admits a missing key with a warning', () => {
    const result = validateEntry(create(lookups({ 'github-token': foundSecret('github-token', { other: 'x' }) })), warn);
    expect(result.violations).toEqual([]);
    expect(result.warnings[0]).toMatch(/key "token" not found/);
  });

  it('warn still denies a bad value, a restricted header and a Secret the user may not read', () => {
    expect(validateEntry(create(lookups({ 'github-token': foundSecret('github-token', { token: 'v\n' }) })), warn).violations).toHaveLength(
      1,
    );
    const restricted = entry({
      spec: headerForward({ addHeadersFromSecret: [{ headerName: 'Host', valueSecretRef: { name: 'github-token', key: 'token' } }] }),
    });
    expect(validateEntry(create(GOOD_SECRETS, { entry: restricted }), warn).violations.map((v) => v.field)).toEqual([
      'spec.headerForward.addHeadersFromSecret[0].headerName',
    ]);
    expect(validateEntry(create(forbidden), warn).violations).toHaveLength(1);
  });
});

describe('--require-host-binding', () => {
  it('is off by default and on through the policy', () => {
    expect(validateEntry(create(GOOD_SECRETS), deny).violations).toEqual([]);
    const required = rulesFor({ missingSecret: 'deny', requireHostBinding: true });
    expect(validateEntry(create(GOOD_SECRETS), required).violations[0]?.message).toMatch(/--require-host-binding/);
  });
});

describe('authorisation before existence', () => {
  it('reports only the access denial for a forbidden Secret: no existence, key or value findings', () => {
    const result = validateEntry(create(forbidden), deny);
    expect(result.violations.map((v) => `${v.field}: ${v.message}`)).toEqual([MAY_NOT_READ]);
    expect(result.warnings).toEqual([]);
  });
});

describe('the access check on UPDATE (ratchet)', () => {
  const old = entry();
  it('denies when the remoteUrl changed', () => {
    const moved = entry({ spec: { remoteUrl: 'https://attacker.test/mcp' } });
    const result = validateEntry(create(forbidden, { entry: moved, oldEntry: old, operation: 'UPDATE' }), deny);
    expect(result.violations.map((v) => v.message)).toEqual([expect.stringContaining('may not read Secret "github-token"')]);
  });

  it('denies when the Secret reference changed', () => {
    const rekeyed = entry({
      spec: headerForward({
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'admin-token' } }],
      }),
    });
    expect(validateEntry(create(forbidden, { entry: rekeyed, oldEntry: old, operation: 'UPDATE' }), deny).violations).toHaveLength(1);
  });

  it('only warns when neither changed (someone else wrote the reference)', () => {
    const relabelled = entry({
      spec: headerForward({
        addPlaintextHeaders: { 'X-Other': '1' },
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } }],
      }),
    });
    const result = validateEntry(create(forbidden, { entry: relabelled, oldEntry: old, operation: 'UPDATE' }), deny);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([expect.stringContaining('not denied: unchanged by this update')]);
  });

  it('denies a remoteUrl change that breaks a host binding, warns when only the annotation tightened', () => {
    const bound = lookups({
      'github-token': foundSecret('github-token', { token: 'x' }, { [ALLOWED_HOSTS_ANNOTATION]: 'mcp.example.org' }),
    });
    const moved = entry({ spec: { remoteUrl: 'https://attacker.test/mcp' } });
    expect(validateEntry(create(bound, { entry: moved, oldEntry: old, operation: 'UPDATE' }), deny).violations).toHaveLength(1);
    const same = validateEntry(create(bound, { entry: entry(), oldEntry: old, operation: 'UPDATE' }), deny);
    expect(same.violations).toEqual([]);
    expect(same.warnings).toHaveLength(1);
  });
});
