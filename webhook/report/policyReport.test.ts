import { describe, expect, it } from 'vitest';
import { entry, foundSecret, headerForward } from '../../test/unit/webhook/validateEntries.js';
import type { GetSecret } from '../validate/lookup.js';
import { REASONS } from '../validate/reasons.js';
import type { SecretLookup } from '../validate/types.js';
import { MANAGED_BY_LABEL, policyReports, type PolicyReport } from './policyReport.js';
import { scanEntry, scanRawEntry } from './scanEntry.js';
import type { ReportItem } from './types.js';

const RULES = ['header-name', 'host-binding', 'plaintext-value', 'remote-url', 'secret-ref', 'sibling-env-name'];

function secrets(table: Record<string, SecretLookup>): GetSecret {
  return async (_namespace, name) => table[name] ?? { status: 'not-found' };
}

const good = secrets({ 'github-token': foundSecret('github-token', { token: 'v' }) });

async function scanned(fixture: Parameters<typeof entry>[0] = {}, getSecret: GetSecret = good, uid = 'uid-1'): Promise<ReportItem> {
  const e = entry(fixture);
  e.metadata.uid = uid;
  e.metadata.resourceVersion = '41';
  return scanEntry(e, getSecret);
}

const only = (reports: PolicyReport[]): PolicyReport => {
  expect(reports).toHaveLength(1);
  return reports[0]!;
};

describe('policyReports', () => {
  it('a passing entry: one pass result per rule the scan ran (secret-access needs a requesting user: not listed)', async () => {
    const report = only(policyReports([await scanned()]));
    expect(report.apiVersion).toBe('wgpolicyk8s.io/v1alpha2');
    expect(report.kind).toBe('PolicyReport');
    expect(report.metadata).toEqual({
      name: 'mcp-header-forward',
      namespace: 'team-a',
      labels: { [MANAGED_BY_LABEL]: 'mcp-header-forward' },
    });
    expect(report.results.map((r) => [r.rule, r.result])).toEqual(RULES.map((rule) => [rule, 'pass']));
    expect(report.summary).toEqual({ pass: RULES.length, fail: 0, warn: 0, error: 0, skip: 0 });
    expect(report.results[0]).toEqual({
      source: 'mcp-header-forward',
      policy: 'mcpserverentry-header-forward',
      rule: 'header-name',
      category: 'MCP header forwarding',
      result: 'pass',
      scored: true,
      message: 'header names are valid, not restricted and not duplicated',
      // No resourceVersion: a status update of the entry must not rewrite the report.
      resources: [
        { apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPServerEntry', namespace: 'team-a', name: 'github', uid: 'uid-1' },
      ],
    });
  });

  it('a failing rule carries its reason code, field path, message and fix; the other rules pass', async () => {
    const report = only(policyReports([await scanned({}, secrets({}))]));
    const failed = report.results.filter((r) => r.result !== 'pass');
    expect(failed).toEqual([
      expect.objectContaining({
        rule: 'secret-ref',
        result: 'fail',
        properties: { reason: REASONS.headerSecretNotFound },
        message:
          'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "github-token" not found in namespace "team-a" (fix: create it first (kubectl create secret generic github-token -n team-a --from-literal=token=...) or fix the name)',
      }),
    ]);
    expect(report.summary).toEqual({ pass: RULES.length - 1, fail: 1, warn: 0, error: 0, skip: 0 });
  });

  it('several findings of one rule: one result, reasons sorted and unique, messages in the rule order', async () => {
    const item = await scanned(
      {
        spec: headerForward({
          addHeadersFromSecret: [
            { headerName: 'X-A', valueSecretRef: { name: 'gone', key: 'k' } },
            { headerName: 'X-B', valueSecretRef: { name: 'echoed', key: 'k' } },
            { headerName: 'X-C', valueSecretRef: { name: 'gone-too', key: 'k' } },
          ],
        }),
      },
      secrets({ echoed: foundSecret('echoed', { k: 'value\n' }) }),
    );
    const secretRef = only(policyReports([item])).results.find((r) => r.rule === 'secret-ref')!;
    expect(secretRef.result).toBe('fail');
    expect(secretRef.properties).toEqual({ reason: 'HeaderSecretNotFound,InvalidHeaderValue' });
    expect(secretRef.message.split('; ').map((line) => line.slice(0, line.indexOf(':')))).toEqual([
      'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
      'spec.headerForward.addHeadersFromSecret[1].valueSecretRef.key',
      'spec.headerForward.addHeadersFromSecret[2].valueSecretRef.name',
    ]);
  });

  it('a rule that could only fail to read a Secret is an error, not a failure; mixed with a real finding it fails', async () => {
    const unreadable: SecretLookup = { status: 'error', reason: 'HTTP 503' };
    const erroring = only(policyReports([await scanned({}, secrets({ 'github-token': unreadable }))]));
    expect(erroring.results.find((r) => r.rule === 'secret-ref')).toMatchObject({
      result: 'error',
      properties: { reason: 'SecretLookupFailed' },
    });
    expect(erroring.summary).toMatchObject({ error: 1, fail: 0 });

    const mixed = await scanned(
      {
        spec: headerForward({
          addHeadersFromSecret: [
            { headerName: 'X-A', valueSecretRef: { name: 'down', key: 'k' } },
            { headerName: 'X-B', valueSecretRef: { name: 'missing', key: 'k' } },
          ],
        }),
      },
      secrets({ down: unreadable }),
    );
    expect(only(policyReports([mixed])).results.find((r) => r.rule === 'secret-ref')).toMatchObject({
      result: 'fail',
      properties: { reason: 'HeaderSecretNotFound,SecretLookupFailed' },
    });
  });

  it('findings that only warn are warn results with their reason codes, counted in the summary', async () => {
    const item = await scanned({
      spec: {
        remoteUrl: 'http://api.example.com/mcp',
        headerForward: {
          addPlaintextHeaders: { Authorization: 'Bearer x' },
          addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } }],
        },
      },
    });
    expect(item.status).toBe('pass');
    const report = only(policyReports([item]));
    expect(report.results.filter((r) => r.result !== 'pass')).toEqual([
      expect.objectContaining({
        rule: 'plaintext-value',
        result: 'warn',
        properties: { reason: REASONS.plaintextCredential },
        message:
          'spec.headerForward.addPlaintextHeaders["Authorization"]: "Authorization" looks like a credential but is set in plaintext, readable by anyone who can read this MCPServerEntry (fix: move it to addHeadersFromSecret)',
      }),
      expect.objectContaining({
        rule: 'remote-url',
        result: 'warn',
        properties: { reason: REASONS.secretOverHttp },
        message: 'spec.remoteUrl: 1 secret header(s) would be sent over plain http, readable by anyone on the path (fix: use https://)',
      }),
    ]);
    expect(report.summary).toEqual({ pass: RULES.length - 2, fail: 0, warn: 2, error: 0, skip: 0 });
  });

  it('a rule with a violation and a warning fails; the message names the warning as one, both reasons listed', async () => {
    const item = await scanned({ spec: headerForward({ addPlaintextHeaders: { Authorization: 'Bearer x', 'X-Bad': 'a\nb' } }) });
    const plaintext = only(policyReports([item])).results.find((r) => r.rule === 'plaintext-value')!;
    expect(plaintext.result).toBe('fail');
    expect(plaintext.properties).toEqual({ reason: 'InvalidHeaderValue,PlaintextCredential' });
    const parts = plaintext.message.split('; ');
    expect(parts).toHaveLength(2);
    expect(parts[0]).toMatch(/^spec\.headerForward\.addPlaintextHeaders\["X-Bad"\]: the value contains a LF character/);
    expect(parts[1]).toMatch(
      /^warning: spec\.headerForward\.addPlaintextHeaders\["Authorization"\]: "Authorization" looks like a credential/,
    );
  });

  it('an entry over the header limit is judged by the header-count rule alone', async () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`X-H${i}`, 'v']));
    const report = only(policyReports([await scanned({ spec: headerForward({ addPlaintextHeaders: many }) })]));
    expect(report.results.map((r) => [r.rule, r.result, r.properties?.['reason']])).toEqual([['header-count', 'fail', 'TooManyHeaders']]);
  });

  it('an object the schema cannot read gets one object-schema failure', async () => {
    const item = await scanRawEntry(
      { apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPServerEntry', metadata: { name: 'odd', namespace: 'team-a' }, spec: 7 },
      good,
    );
    expect(only(policyReports([item])).results).toEqual([
      expect.objectContaining({ rule: 'object-schema', result: 'fail', properties: { reason: 'UnreadableObject' } }),
    ]);
  });

  it('one report per namespace, namespaces and results sorted; deleting entries and pods give no result, so no report', async () => {
    const items = [
      await scanned({ name: 'zeta', namespace: 'team-b' }, good, 'uid-z'),
      await scanned({ name: 'alpha', namespace: 'team-b' }, good, 'uid-a'),
      await scanned({ name: 'beta', namespace: 'team-a' }),
      await scanned({ name: 'leaving', namespace: 'team-c', deletionTimestamp: '2026-01-01T00:00:00Z' }),
      { kind: 'Pod', apiVersion: 'v1', namespace: 'team-d', name: 'p', status: 'fail', findings: [], warnings: [] } satisfies ReportItem,
    ];
    const reports = policyReports(items);
    expect(reports.map((r) => r.metadata.namespace)).toEqual(['team-a', 'team-b']);
    const teamB = reports[1]!.results.map((r) => `${r.resources[0]!.name}/${r.rule}`);
    expect(teamB).toEqual([...RULES.map((rule) => `alpha/${rule}`), ...RULES.map((rule) => `zeta/${rule}`)]);
  });

  it('is deterministic: the same verdicts in any order give the same bytes, with no timestamp', async () => {
    const items = [
      await scanned({ name: 'a' }, secrets({})),
      await scanned({ name: 'b', namespace: 'team-b' }),
      await scanned({ name: 'c' }, good, 'uid-c'),
    ];
    const forward = JSON.stringify(policyReports(items));
    expect(JSON.stringify(policyReports([...items].reverse()))).toBe(forward);
    expect(JSON.stringify(policyReports([items[1]!, items[2]!, items[0]!]))).toBe(forward);
    expect(forward).not.toMatch(/timestamp|resourceVersion|creationTimestamp/i);
  });

  it('never carries a Secret value, not even one that breaks the rules', async () => {
    const sentinel = 'sentinel-7f3a9c-value';
    const item = await scanned({}, secrets({ 'github-token': foundSecret('github-token', { token: `${sentinel}\r\n` }) }));
    const text = JSON.stringify(policyReports([item]));
    expect(text).toContain('InvalidHeaderValue');
    expect(text).not.toContain(sentinel);
  });
});
