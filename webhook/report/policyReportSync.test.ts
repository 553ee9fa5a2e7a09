import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, policyReports, type PolicyReport } from './policyReport.js';
import { planReportWrites, type StoredReport } from './policyReportSync.js';
import type { ReportItem } from './types.js';

const item = (namespace: string, name: string, status: 'pass' | 'fail'): ReportItem => ({
  kind: 'MCPServerEntry',
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  namespace,
  name,
  uid: `uid-${name}`,
  status,
  rules: ['secret-ref'],
  findings: status === 'pass' ? [] : [{ reason: 'HeaderSecretNotFound', field: 'f', message: 'm', rule: 'secret-ref' }],
  warnings: [],
});

/** As the API server lists it: its own metadata, and our content round-tripped through JSON. */
function stored(report: PolicyReport, resourceVersion = '7'): StoredReport {
  const copy = JSON.parse(JSON.stringify(report)) as PolicyReport;
  return {
    namespace: copy.metadata.namespace,
    name: copy.metadata.name,
    resourceVersion,
    labels: { ...copy.metadata.labels, 'added-by-someone': 'x' },
    results: copy.results,
    summary: copy.summary,
  };
}

describe('planReportWrites', () => {
  it('creates missing reports, leaves identical ones alone, updates changed ones with their resourceVersion', () => {
    const before = policyReports([item('a', 'one', 'fail'), item('b', 'two', 'pass')]);
    const after = policyReports([item('a', 'one', 'pass'), item('b', 'two', 'pass'), item('c', 'three', 'fail')]);
    expect(
      planReportWrites(
        after,
        before.map((r) => stored(r)),
      ),
    ).toEqual([
      { action: 'update', report: after[0], resourceVersion: '7' },
      { action: 'create', report: after[2] },
    ]);
  });

  it('writes nothing when nothing changed', () => {
    const reports = policyReports([item('a', 'one', 'fail'), item('b', 'two', 'pass')]);
    expect(
      planReportWrites(
        reports,
        reports.map((r) => stored(r)),
      ),
    ).toEqual([]);
  });

  it('deletes the report of a namespace with no entry left, after the writes', () => {
    const before = policyReports([item('a', 'one', 'pass'), item('z', 'gone', 'fail'), item('m', 'gone-too', 'pass')]);
    const after = policyReports([item('a', 'one', 'fail')]);
    expect(
      planReportWrites(
        after,
        before.map((r) => stored(r)),
      ),
    ).toEqual([
      { action: 'update', report: after[0], resourceVersion: '7' },
      { action: 'delete', namespace: 'm', name: 'mcp-header-forward' },
      { action: 'delete', namespace: 'z', name: 'mcp-header-forward' },
    ]);
  });

  it('a stored report that lost our label value is rewritten; reports of other names are never touched', () => {
    const reports = policyReports([item('a', 'one', 'pass')]);
    const relabelled = { ...stored(reports[0]!), labels: { [MANAGED_BY_LABEL]: 'someone-else' } };
    expect(planReportWrites(reports, [relabelled])).toEqual([{ action: 'update', report: reports[0], resourceVersion: '7' }]);
    const foreign = { ...stored(reports[0]!), namespace: 'b', name: 'polr-ns-b' };
    expect(planReportWrites(reports, [stored(reports[0]!), foreign])).toEqual([]);
  });
});
