import { stringify } from 'yaml';
import { printable } from '../validate/validateEntry.js';
import type { PolicyReport } from './policyReport.js';
import { summarize, type ReportItem } from './types.js';

/** `report -o json`: a stable document; `items[].kind` says what each item is. Hints are for the text output. */
export function reportJson(items: readonly ReportItem[]): string {
  return `${JSON.stringify(reportDocument(items), null, 2)}\n`;
}

/** `report -o yaml`: the same document as `-o json`. */
export function reportYaml(items: readonly ReportItem[]): string {
  return yamlDocument(reportDocument(items));
}

/** `report -o policyreport`: the PolicyReports the webhook writes, as a multi-document YAML stream ('' for none). */
export function policyReportsYaml(reports: readonly PolicyReport[]): string {
  return reports.map(yamlDocument).join('---\n');
}

/** One YAML document, lines never folded (messages stay greppable). */
export function yamlDocument(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

function reportDocument(items: readonly ReportItem[]): unknown {
  return {
    summary: summarize(items),
    items: items.map((item) => ({
      kind: item.kind,
      apiVersion: item.apiVersion,
      namespace: item.namespace,
      name: item.name,
      status: item.status,
      // Data, not prose: the fix text stays in -o text; the related entry is a name a tool can follow.
      findings: item.findings.map((f) => ({
        reason: f.reason,
        field: f.field,
        message: f.message,
        ...(f.relatedEntry !== undefined ? { relatedEntry: f.relatedEntry } : {}),
      })),
      warnings: item.warnings,
      // The same warnings as data, with their reason codes (entries; a pod's warnings have none).
      ...(item.warningFindings !== undefined
        ? { warningFindings: item.warningFindings.map((w) => ({ reason: w.reason, field: w.field, message: w.message })) }
        : {}),
    })),
  };
}

/** `report -o text`: one verdict line per object, its problems with fixes, then a summary line. */
export function reportText(items: readonly ReportItem[]): string {
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`${item.kind} ${item.namespace}/${item.name}: ${verdict(item)}`);
    for (const f of item.findings) {
      lines.push(printable(`  - [${f.reason}] ${f.field}: ${f.message}`));
      if (f.hint !== undefined) lines.push(printable(`    fix: ${f.hint}`));
    }
    for (const w of item.warnings) lines.push(`  warning: ${w}`);
  }
  const s = summarize(items);
  if (items.length === 0) lines.push('no objects found');
  lines.push('', `${s.total} checked: ${s.passed} pass, ${s.failed} fail, ${s.errors} could not be checked`);
  return `${lines.join('\n')}\n`;
}

function verdict(item: ReportItem): string {
  if (item.status === 'pass') return 'PASS';
  if (item.status === 'error') return 'ERROR (could not be checked)';
  return `FAIL (${item.findings.length} ${item.findings.length === 1 ? 'problem' : 'problems'})`;
}
