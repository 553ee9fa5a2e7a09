import { describe, expect, it } from 'vitest';
import { decideSecretChange, secretKeys, type SecretChange } from './decide.js';

const users = [
  { entry: 'github', keys: ['token'] },
  { entry: 'jira', keys: ['api-key', 'token'] },
];
const deletion: SecretChange = {
  operation: 'DELETE',
  namespace: 'team-a',
  secret: 'creds',
  oldKeys: ['api-key', 'token'],
  namespaceTerminating: false,
  users,
};

describe('decideSecretChange', () => {
  it('enforce: denies deleting a Secret entries forward, naming each entry and key', () => {
    const decision = decideSecretChange(deletion, 'enforce');
    expect(decision).toMatchObject({ allowed: false, outcome: 'denied' });
    expect(decision.message).toBe(
      'deleting Secret "creds" in namespace "team-a" would break 2 MCPServerEntries that forward headers from it: github (key "token"); jira (keys "api-key", "token"). ' +
        'Remove those headers from the entries (or delete the entries) first; with the namespace label mcp-header-forward.dev/mode=warn the change is admitted with a warning',
    );
  });

  it('warn: allows with the same text as a warning; audit: allows silently', () => {
    const warned = decideSecretChange(deletion, 'warn');
    expect(warned).toMatchObject({ allowed: true, outcome: 'warned' });
    expect(warned.warnings[0]).toMatch(/^deleting Secret "creds".*\[would be denied in enforce mode\]$/);
    expect(decideSecretChange(deletion, 'audit')).toMatchObject({ allowed: true, outcome: 'audited', warnings: [] });
  });

  it('never stands in the way of a namespace being deleted', () => {
    expect(decideSecretChange({ ...deletion, namespaceTerminating: true }, 'enforce')).toMatchObject({
      allowed: true,
      outcome: 'namespace-terminating',
    });
  });

  it('allows any change to a Secret nobody forwards', () => {
    expect(decideSecretChange({ ...deletion, users: [] }, 'enforce')).toMatchObject({ allowed: true, outcome: 'unreferenced' });
  });

  it('UPDATE: denies removing a used key, names only the entries that use it', () => {
    const update: SecretChange = { ...deletion, operation: 'UPDATE', newKeys: ['token'] };
    const decision = decideSecretChange(update, 'enforce');
    expect(decision).toMatchObject({ allowed: false, broken: [{ entry: 'jira', keys: ['api-key'] }] });
    expect(decision.message).toContain(
      'this update of Secret "creds" in namespace "team-a" removes a key that 1 MCPServerEntry forward headers from: jira (key "api-key")',
    );
  });

  it('UPDATE: allows changing values or removing unused keys', () => {
    expect(
      decideSecretChange(
        { ...deletion, operation: 'UPDATE', oldKeys: ['api-key', 'token', 'spare'], newKeys: ['api-key', 'token'] },
        'enforce',
      ),
    ).toMatchObject({
      allowed: true,
      outcome: 'allowed',
    });
  });
});

describe('secretKeys', () => {
  it('reads data and stringData keys, sorted; undefined without an object', () => {
    expect(secretKeys({ data: { b: 'eA==' }, stringData: { a: 'x' } })).toEqual(['a', 'b']);
    expect(secretKeys({ metadata: {} })).toEqual([]);
    expect(secretKeys(null)).toBeUndefined();
  });
});
