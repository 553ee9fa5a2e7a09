import { yamlDocument } from '../../webhook/report/format.js';
import type { EntryReport } from '../../webhook/validate/checkEntry.js';

export interface SourcedReport extends EntryReport {
  source: string;
}

/** `-o json`: one array, exactly the documented shape (hints are for people, in the text output). */
export function jsonReport(reports: readonly SourcedReport[]): string {
  return `${JSON.stringify(shaped(reports), null, 2)}\n`;
}

/** `-o yaml`: the same array as `-o json`. */
export function yamlReport(reports: readonly SourcedReport[]): string {
  return yamlDocument(shaped(reports));
}

function shaped(reports: readonly SourcedReport[]): unknown[] {
  return reports.map((r) => ({
    namespace: r.namespace,
    name: r.name,
    allowed: r.allowed,
    violations: r.violations.map((v) => ({ reason: v.reason, field: v.field, message: v.message })),
    warnings: r.warnings,
    warningFindings: r.warningFindings.map((w) => ({ reason: w.reason, field: w.field, message: w.message })),
  }));
}

/** Text a person can paste into a ticket: verdict per entry, each problem with its fix, then a summary. */
export function textReport(reports: readonly SourcedReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    const verdict = r.allowed ? 'ALLOWED' : `DENIED (${r.violations.length} ${r.violations.length === 1 ? 'problem' : 'problems'})`;
    lines.push(`MCPServerEntry ${r.namespace}/${r.name} [${r.source}]: ${verdict}`);
    for (const v of r.violations) {
      lines.push(`  - ${v.field}: ${v.message}`);
      if (v.hint !== undefined) lines.push(`    fix: ${v.hint}`);
    }
    for (const w of r.warnings) lines.push(`  warning: ${w}`);
  }
  const denied = reports.filter((r) => !r.allowed).length;
  lines.push('', `${reports.length} ${reports.length === 1 ? 'entry' : 'entries'}: ${reports.length - denied} allowed, ${denied} denied`);
  return `${lines.join('\n')}\n`;
}
