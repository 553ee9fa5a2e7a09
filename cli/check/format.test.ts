import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatResults, summarize } from './format.js';
import type { CheckResult } from './types.js';

const results: CheckResult[] = [
  { id: 'a', title: 'API server reachable', status: 'pass', detail: 'yes', fix: 'never printed for a pass' },
  { id: 'b', title: 'Serving certificate', status: 'warn', detail: '9 days left', fix: 'renew it' },
  { id: 'c', title: 'Webhook Deployment', status: 'fail', detail: 'not found', fix: 'install it' },
  { id: 'd', title: 'Dry-run', status: 'skip', detail: 'not run: no CRD' },
];

describe('formatResults', () => {
  it('text: a mark per line, the fix under failures and warnings, a verdict', () => {
    expect(formatResults('text', 'full', results)).toBe(
      [
        'mcp-header-forward check',
        '',
        '✓ API server reachable: yes',
        '! Serving certificate: 9 days left',
        '    fix: renew it',
        '✗ Webhook Deployment: not found',
        '    fix: install it',
        '- Dry-run: not run: no CRD',
        '',
        'FAIL: 1 passed, 1 warning, 1 failed, 1 not run',
        '',
      ].join('\n'),
    );
  });

  it('text: OK when only warnings', () => {
    expect(formatResults('text', 'pre', results.slice(0, 2))).toMatch(
      /^mcp-header-forward check --pre \(before install\)\n[\s\S]*\nOK: 1 passed, 1 warning, 0 failed\n$/,
    );
  });

  it('json and yaml: the same document, ok false with a failure', () => {
    const json = JSON.parse(formatResults('json', 'full', results)) as unknown;
    expect(json).toEqual({ mode: 'full', ok: false, summary: { passed: 1, warnings: 1, failed: 1, skipped: 1 }, checks: results });
    expect(parse(formatResults('yaml', 'full', results))).toEqual(json);
  });

  it('summarize counts each status', () => {
    expect(summarize([])).toEqual({ passed: 0, warnings: 0, failed: 0, skipped: 0 });
  });
});
