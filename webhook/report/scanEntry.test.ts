import { describe, expect, it } from 'vitest';
import type { GetSecret } from '../validate/lookup.js';
import { entry, foundSecret, headerForward } from '../../test/unit/webhook/validateEntries.js';
import { REASONS } from '../validate/reasons.js';
import type { Rule, SecretLookup } from '../validate/types.js';
import { DEFAULT_RULES } from '../validate/validateEntry.js';
import { memoizeLookups, scanEntry, scanRawEntry } from './scanEntry.js';

function secretsFrom(table: Record<string, SecretLookup>, calls: string[] = []): GetSecret {
  return async (namespace, name) => {
    calls.push(`${namespace}/${name}`);
    return table[name] ?? { status: 'not-found' };
  };
}

describe('scanEntry', () => {
  it('passes a valid entry, keeping uid and apiVersion for Events', async () => {
    const e = entry();
    e.metadata.uid = 'uid-1';
    const item = await scanEntry(e, secretsFrom({ 'github-token': foundSecret('github-token', { token: 'v' }) }));
    expect(item).toMatchObject({
      kind: 'MCPServerEntry',
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      namespace: 'team-a',
      name: 'github',
      uid: 'uid-1',
      status: 'pass',
      findings: [],
    });
  });

  it('fails with the webhook field path, message and a reason', async () => {
    const item = await scanEntry(entry(), secretsFrom({}));
    expect(item.status).toBe('fail');
    expect(item.findings).toEqual([
      expect.objectContaining({
        reason: REASONS.headerSecretNotFound,
        field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
        message: 'Secret "github-token" not found in namespace "team-a"',
      }),
    ]);
  });

  it('reports an entry it could not check as error, not as failing', async () => {
    const item = await scanEntry(entry(), secretsFrom({ 'github-token': { status: 'error', reason: 'no answer within 50 ms' } }));
    expect(item.status).toBe('error');
  });

  // The reason (and so the error status) comes from the rule, not from how its message begins.
  it('takes reason and status from the rule, however its message is worded', async () => {
    const reworded = DEFAULT_RULES.map((rule): Rule => ({
      id: rule.id,
      check: (input) => rule.check(input).map((f) => ({ ...f, message: 'reworded' })),
    }));
    const item = await scanEntry(entry(), secretsFrom({ 'github-token': { status: 'error', reason: 'HTTP 500' } }), reworded);
    expect(item).toMatchObject({ status: 'error', findings: [{ reason: REASONS.secretLookupFailed, message: 'reworded' }] });
  });

  it('keeps warnings (credential in plaintext) apart from failures', async () => {
    const e = entry({ spec: headerForward({ addPlaintextHeaders: { Authorization: 'Bearer x' } }) });
    const item = await scanEntry(e, secretsFrom({}));
    expect(item.status).toBe('pass');
    expect(item.warnings.join('\n')).toContain('looks like a credential');
  });

  it('passes an entry that is being deleted without looking anything up', async () => {
    const calls: string[] = [];
    const item = await scanEntry(entry({ deletionTimestamp: '2026-01-01T00:00:00Z' }), secretsFrom({}, calls));
    expect(item.status).toBe('pass');
    expect(calls).toEqual([]);
  });

  it('reports an object the schema cannot read as failing, with the field path', async () => {
    const item = await scanRawEntry(
      {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPServerEntry',
        metadata: { name: 'odd', namespace: 'ns' },
        spec: { headerForward: { addHeadersFromSecret: 'nope' } },
      },
      secretsFrom({}),
    );
    expect(item).toMatchObject({
      name: 'odd',
      namespace: 'ns',
      status: 'fail',
      findings: [{ reason: REASONS.unreadableObject, field: 'spec.headerForward.addHeadersFromSecret' }],
    });
  });
});

describe('memoizeLookups', () => {
  it('GETs each Secret once however many entries reference it', async () => {
    const calls: string[] = [];
    const getSecret = memoizeLookups(secretsFrom({}, calls));
    await Promise.all([scanEntry(entry({ name: 'a' }), getSecret), scanEntry(entry({ name: 'b' }), getSecret)]);
    expect(calls).toEqual(['team-a/github-token']);
  });
});
