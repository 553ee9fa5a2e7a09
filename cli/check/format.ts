import { stringify } from 'yaml';
import type { CheckResult, CheckStatus } from './types.js';

// How `check` prints: a line per check (✓ pass, ! warning, ✗ failure, - not run) with its fix indented below,
// then a summary; or the same results as JSON or YAML for scripts.

export type OutputFormat = 'text' | 'json' | 'yaml';

const MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

export interface CheckSummary {
  passed: number;
  warnings: number;
  failed: number;
  skipped: number;
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const count = (status: CheckStatus): number => results.filter((r) => r.status === status).length;
  return { passed: count('pass'), warnings: count('warn'), failed: count('fail'), skipped: count('skip') };
}

function textOf(heading: string, results: readonly CheckResult[]): string {
  const lines = [heading, ''];
  for (const result of results) {
    lines.push(`${MARK[result.status]} ${result.title}: ${result.detail}`);
    if (result.fix !== undefined && result.status !== 'pass') lines.push(`    fix: ${result.fix}`);
  }
  const s = summarize(results);
  const notRun = s.skipped === 0 ? '' : `, ${s.skipped} not run`;
  const verdict = s.failed > 0 ? 'FAIL' : 'OK';
  lines.push('', `${verdict}: ${s.passed} passed, ${s.warnings} ${s.warnings === 1 ? 'warning' : 'warnings'}, ${s.failed} failed${notRun}`);
  return `${lines.join('\n')}\n`;
}

export function formatResults(format: OutputFormat, mode: 'full' | 'pre', results: readonly CheckResult[]): string {
  if (format === 'text')
    return textOf(mode === 'pre' ? 'mcp-header-forward check --pre (before install)' : 'mcp-header-forward check', results);
  const document = { mode, ok: summarize(results).failed === 0, summary: summarize(results), checks: results };
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringify(document, { lineWidth: 0 });
}
