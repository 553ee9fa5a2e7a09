import { describe, expect, it } from 'vitest';
import { reportJson, reportText } from './format.js';
import type { ReportItem } from './types.js';

const passing: ReportItem = {
  kind: 'MCPServerEntry',
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  namespace: 'a',
  name: 'ok',
  status: 'pass',
  findings: [],
  warnings: [],
};
const failing: ReportItem = {
  ...passing,
  name: 'broken',
  status: 'fail',
  findings: [
    {
      reason: 'HeaderSecretNotFound',
      field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
      message: 'Secret "t" not found in namespace "a"',
      hint: 'create it',
    },
  ],
  warnings: ['spec.remoteUrl: plain http'],
  warningFindings: [{ reason: 'SecretOverHttp', field: 'spec.remoteUrl', message: 'plain http', rule: 'remote-url', hint: 'use https' }],
};

describe('report output', () => {
  it('json: an env var collision names its partner entry (relatedEntry), which tools can follow', () => {
    const collision: ReportItem = {
      ...failing,
      findings: [
        {
          reason: 'HeaderEnvVarCollision',
          field: 'spec.headerForward.addHeadersFromSecret[0].headerName',
          message: 'm',
          hint: 'h',
          relatedEntry: 'my-github',
        },
      ],
    };
    const [item] = (JSON.parse(reportJson([collision])) as { items: Array<{ findings: unknown[] }> }).items;
    expect(item!.findings).toEqual([
      {
        reason: 'HeaderEnvVarCollision',
        field: 'spec.headerForward.addHeadersFromSecret[0].headerName',
        message: 'm',
        relatedEntry: 'my-github',
      },
    ]);
  });

  it('json: summary plus one item per object, findings without hints', () => {
    expect(JSON.parse(reportJson([passing, failing]))).toEqual({
      summary: { total: 2, passed: 1, failed: 1, errors: 0 },
      items: [
        {
          kind: 'MCPServerEntry',
          apiVersion: 'toolhive.stacklok.dev/v1beta1',
          namespace: 'a',
          name: 'ok',
          status: 'pass',
          findings: [],
          warnings: [],
        },
        {
          kind: 'MCPServerEntry',
          apiVersion: 'toolhive.stacklok.dev/v1beta1',
          namespace: 'a',
          name: 'broken',
          status: 'fail',
          findings: [
            {
              reason: 'HeaderSecretNotFound',
              field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
              message: 'Secret "t" not found in namespace "a"',
            },
          ],
          warnings: ['spec.remoteUrl: plain http'],
          // The warnings as data with their reason codes; the hint and rule stay out, as for findings.
          warningFindings: [{ reason: 'SecretOverHttp', field: 'spec.remoteUrl', message: 'plain http' }],
        },
      ],
    });
  });

  it('text: verdict lines, reason, field, fix and summary', () => {
    expect(reportText([passing, failing])).toBe(
      [
        'MCPServerEntry a/ok: PASS',
        'MCPServerEntry a/broken: FAIL (1 problem)',
        '  - [HeaderSecretNotFound] spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "t" not found in namespace "a"',
        '    fix: create it',
        '  warning: spec.remoteUrl: plain http',
        '',
        '2 checked: 1 pass, 1 fail, 0 could not be checked',
        '',
      ].join('\n'),
    );
  });

  it('text: says so when there is nothing to check', () => {
    expect(reportText([])).toContain('no objects found');
  });
});
