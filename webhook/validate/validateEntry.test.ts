import { describe, expect, it } from 'vitest';
import { API_VERSIONS, GOOD_SECRETS, entry, foundSecret, headerForward, lookups } from '../../test/unit/webhook/validateEntries.js';
import { REASONS } from './reasons.js';
import { DEFAULT_RULES, formatFinding, validateEntry } from './validateEntry.js';
import type { Rule } from './types.js';

const BAD_SPEC = {
  remoteUrl: 'http://169.254.169.254/',
  headerForward: {
    addPlaintextHeaders: { Host: 'evil', 'X-Tenant': 'a\nb', Authorization: 'Bearer visible' },
    addHeadersFromSecret: [
      { headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } },
      { headerName: 'X-Other', valueSecretRef: { name: 'missing', key: 'k' } },
      { headerName: 'x-tenant', valueSecretRef: { name: 'github-token', key: 'nope' } },
    ],
  },
};

describe('validateEntry', () => {
  it.each(API_VERSIONS)('admits a good %s entry with no findings', (apiVersion) => {
    expect(validateEntry({ entry: entry({ apiVersion }), operation: 'CREATE', namespace: 'team-a', secrets: GOOD_SECRETS })).toEqual({
      violations: [],
      warnings: [],
      warningFindings: [],
    });
  });

  it.each(API_VERSIONS)('reports every violation of a bad %s entry at once, each with a field and a hint', (apiVersion) => {
    const secrets = lookups({ 'github-token': foundSecret('github-token', { token: 'tok\n' }), missing: { status: 'not-found' } });
    const result = validateEntry({ entry: entry({ apiVersion, spec: BAD_SPEC }), operation: 'CREATE', namespace: 'team-a', secrets });
    expect(result.violations.map((v) => v.field)).toEqual([
      'spec.headerForward.addPlaintextHeaders["Host"]',
      'spec.headerForward.addHeadersFromSecret[2].headerName',
      'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key',
      'spec.headerForward.addHeadersFromSecret[1].valueSecretRef.name',
      'spec.headerForward.addHeadersFromSecret[2].valueSecretRef.key',
      'spec.headerForward.addPlaintextHeaders["X-Tenant"]',
      'spec.remoteUrl',
    ]);
    expect(result.violations.every((v) => v.hint !== undefined && v.hint.length > 0)).toBe(true);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^spec\.headerForward\.addPlaintextHeaders\["Authorization"\]: "Authorization" looks like a credential/),
      expect.stringMatching(/^spec\.remoteUrl: 3 secret header\(s\) would be sent over plain http/),
    ]);
    // The same warnings as data, with their reason codes (validate -o json, report -o json).
    expect(result.warningFindings.map((w) => [w.reason, w.field])).toEqual([
      ['PlaintextCredential', 'spec.headerForward.addPlaintextHeaders["Authorization"]'],
      ['SecretOverHttp', 'spec.remoteUrl'],
    ]);
  });

  it('always allows an object that is being deleted', () => {
    const deleting = entry({ spec: BAD_SPEC, deletionTimestamp: '2026-11-26T00:00:00Z' });
    expect(validateEntry({ entry: deleting, operation: 'UPDATE', oldEntry: deleting, namespace: 'team-a', secrets: new Map() })).toEqual({
      violations: [],
      warnings: [],
      warningFindings: [],
    });
  });

  describe('UPDATE ratchet', () => {
    const missing = lookups({ 'github-token': { status: 'not-found' } });

    it('turns a failure on an unchanged field into a warning (the Secret vanished after creation)', () => {
      const old = entry();
      const updated = entry({ spec: { transport: 'sse' } });
      const result = validateEntry({ entry: updated, oldEntry: old, operation: 'UPDATE', namespace: 'team-a', secrets: missing });
      expect(result.violations).toEqual([]);
      expect(result.warnings).toEqual([
        expect.stringMatching(
          /^spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "github-token" not found.*unchanged by this update/,
        ),
      ]);
    });

    it('still denies a failure the update introduced', () => {
      const old = entry();
      const updated = entry({
        spec: headerForward({
          addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'other' } }],
        }),
      });
      const result = validateEntry({ entry: updated, oldEntry: old, operation: 'UPDATE', namespace: 'team-a', secrets: GOOD_SECRETS });
      expect(result.violations).toEqual([
        expect.objectContaining({ field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key' }),
      ]);
    });

    it('ratchets by header, not by array position, when an earlier item is removed', () => {
      const twoHeaders = headerForward({
        addHeadersFromSecret: [
          { headerName: 'X-First', valueSecretRef: { name: 'github-token', key: 'token' } },
          { headerName: 'X-Second', valueSecretRef: { name: 'gone', key: 'k' } },
        ],
      });
      const oneHeader = headerForward({ addHeadersFromSecret: [{ headerName: 'X-Second', valueSecretRef: { name: 'gone', key: 'k' } }] });
      const secrets = lookups({ 'github-token': foundSecret('github-token', { token: 't' }), gone: { status: 'not-found' } });
      const result = validateEntry({
        entry: entry({ spec: oneHeader }),
        oldEntry: entry({ spec: twoHeaders }),
        operation: 'UPDATE',
        namespace: 'team-a',
        secrets,
      });
      expect(result.violations).toEqual([]);
      expect(result.warnings).toHaveLength(1);
    });

    it('keeps ratcheting a duplicate whose message names an array position that shifted', () => {
      const secretHeader = (headerName: string) => ({ headerName, valueSecretRef: { name: 'github-token', key: 'token' } });
      const old = entry({
        spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Gone'), secretHeader('X-Dup'), secretHeader('x-dup')] }),
      });
      const updated = entry({ spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Dup'), secretHeader('x-dup')] }) });
      const result = validateEntry({ entry: updated, oldEntry: old, operation: 'UPDATE', namespace: 'team-a', secrets: GOOD_SECRETS });
      expect(result.violations).toEqual([]);
      expect(result.warnings).toEqual([
        expect.stringMatching(/duplicates "X-Dup" at spec\.headerForward\.addHeadersFromSecret\[0\]\.headerName.*unchanged by this update/),
      ]);
    });

    it('does not ratchet on CREATE even when an old object is passed', () => {
      const result = validateEntry({ entry: entry(), oldEntry: entry(), operation: 'CREATE', namespace: 'team-a', secrets: missing });
      expect(result.violations).toHaveLength(1);
    });
  });

  it('runs a caller-supplied rule list (how later rules plug in)', () => {
    const annotationRule: Rule = {
      id: 'needs-annotation',
      check: ({ entry: e }) =>
        e.metadata.annotations?.owner === undefined
          ? [
              {
                severity: 'violation',
                rule: 'needs-annotation',
                reason: REASONS.headerForwardInvalid,
                subject: 'owner',
                field: 'metadata.annotations.owner',
                message: 'is required',
              },
            ]
          : [],
    };
    const result = validateEntry({ entry: entry(), operation: 'CREATE', namespace: 'team-a', secrets: GOOD_SECRETS }, [
      ...DEFAULT_RULES,
      annotationRule,
    ]);
    expect(result.violations).toEqual([
      { reason: REASONS.headerForwardInvalid, field: 'metadata.annotations.owner', message: 'is required' },
    ]);
  });
});

describe('formatFinding', () => {
  it('escapes control characters from user-chosen names, so the API server keeps the warning', () => {
    const line = formatFinding({ field: 'spec.x', message: 'Secret "a\\nb"', hint: 'create a\nb or a\rb' });
    expect(line).toBe('spec.x: Secret "a\\nb" (fix: create a\\u000ab or a\\u000db)');
    expect(line).not.toMatch(/[\r\n]/);
  });
});
