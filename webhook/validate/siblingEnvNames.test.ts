import { describe, expect, it } from 'vitest';
import { entry } from '../../test/unit/webhook/validateEntries.js';
import { entriesByNamespace, envVarPartners, siblingEnvNameRule } from './siblingEnvNames.js';
import { validateEntry } from './validateEntry.js';

const check = (name: string, siblings: ReturnType<typeof entry>[], spec?: Record<string, unknown>) =>
  siblingEnvNameRule.check({ entry: entry({ name, ...(spec ? { spec } : {}) }), namespace: 'team-a', secrets: new Map(), siblings });

describe('envVarPartners', () => {
  it('names every groupmate sharing an env var with the entry (three or more too), never the entry itself or another group', () => {
    const changed = entry({ name: 'my-github' });
    const siblings = [
      entry({ name: 'my.github' }),
      changed,
      entry({ name: 'MY_GITHUB' }),
      entry({ name: 'other' }),
      entry({ name: 'my_github', spec: { groupRef: { name: 'elsewhere' } } }),
    ];
    expect([...envVarPartners(changed, siblings)].sort()).toEqual(['MY_GITHUB', 'my.github']);
    expect(envVarPartners(entry({ name: 'other' }), siblings).size).toBe(0);
  });
});

describe('sibling env var names', () => {
  it('denies a secret header whose ToolHive env var another entry of the group already uses, naming both', () => {
    const findings = check('my.github', [entry({ name: 'my-github' })]);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'violation',
        field: 'spec.headerForward.addHeadersFromSecret[0].headerName',
        message: expect.stringContaining(
          'env var TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_MY_GITHUB, which MCPServerEntry "my-github" (header "X-Api-Key", same group "tools") already uses',
        ),
        hint: expect.stringContaining('rename this entry or this header'),
      }),
    ]);
  });

  it('the header may differ too: only the env var counts', () => {
    expect(
      check('my.github', [
        entry({
          name: 'my-github',
          spec: { headerForward: { addHeadersFromSecret: [{ headerName: 'x_api.key', valueSecretRef: { name: 's', key: 'k' } }] } },
        }),
      ]),
    ).toHaveLength(1);
  });

  it('names meet across the entry/header boundary too: entry "b" + header "X-A" and entry "a-b" + header "X"', () => {
    const other = entry({
      name: 'a-b',
      spec: { headerForward: { addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 's', key: 'k' } }] } },
    });
    expect(
      check('b', [other], { headerForward: { addHeadersFromSecret: [{ headerName: 'X-A', valueSecretRef: { name: 's', key: 'k' } }] } }),
    ).toHaveLength(1);
  });

  it('no finding for another group, itself (UPDATE), a deleting sibling, plaintext headers, or distinct names', () => {
    expect(check('my.github', [entry({ name: 'my-github', spec: { groupRef: { name: 'other' } } })])).toEqual([]);
    expect(check('my-github', [entry({ name: 'my-github' })])).toEqual([]);
    expect(check('my.github', [entry({ name: 'my-github', deletionTimestamp: '2026-11-27T00:00:00Z' })])).toEqual([]);
    expect(
      check('my.github', [entry({ name: 'my-github', spec: { headerForward: { addPlaintextHeaders: { 'X-Api-Key': 'v' } } } })]),
    ).toEqual([]);
    expect(check('gitlab', [entry({ name: 'github' })])).toEqual([]);
  });

  it('one siblings list serves every review (memoized by the list): each entry finds the groupmate other than itself', () => {
    const group = [
      entry({ name: 'my-github' }),
      entry({ name: 'my.github' }),
      entry({ name: 'my_github', spec: { groupRef: { name: 'other' } } }),
    ];
    expect(check('my-github', group).map((f) => f.relatedEntry)).toEqual(['my.github']);
    expect(check('my.github', group).map((f) => f.relatedEntry)).toEqual(['my-github']);
    expect(check('my_github', group, { groupRef: { name: 'other' } })).toEqual([]);
    expect(check('MY-GITHUB', group).map((f) => f.relatedEntry)).toEqual(['my-github']);
  });

  it('without siblings (offline, informer not synced) nothing is claimed', () => {
    expect(siblingEnvNameRule.check({ entry: entry({ name: 'my.github' }), namespace: 'team-a', secrets: new Map() })).toEqual([]);
  });

  it('is one of the default rules, and an UPDATE that keeps an existing collision is only warned (ratchet)', () => {
    const siblings = [entry({ name: 'my-github' })];
    const old = entry({ name: 'my.github' });
    const result = validateEntry({
      entry: entry({ name: 'my.github', spec: { remoteUrl: 'https://api.example.com/v2' } }),
      oldEntry: old,
      operation: 'UPDATE',
      namespace: 'team-a',
      secrets: new Map(),
      siblings,
    });
    expect(result.violations.filter((v) => v.message.includes('already uses'))).toEqual([]);
    expect(result.warnings.some((w) => w.includes('already uses'))).toBe(true);
    const created = validateEntry({ entry: old, operation: 'CREATE', namespace: 'team-a', secrets: new Map(), siblings });
    expect(created.violations.some((v) => v.message.includes('already uses'))).toBe(true);
  });

  it('groups entries by namespace in one pass', () => {
    const grouped = entriesByNamespace([
      entry({ name: 'a', namespace: 'x' }),
      entry({ name: 'b', namespace: 'y' }),
      entry({ name: 'c', namespace: 'x' }),
    ]);
    expect([...grouped.entries()].map(([ns, list]) => `${ns}:${list.map((e) => e.metadata.name).join(',')}`)).toEqual(['x:a,c', 'y:b']);
  });
});
