import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sidecarMetrics, webhookMetrics, type MetricCatalog } from '../test/unit/monitoring/registeredMetrics.js';

// docs/monitoring.md's metric tables are the reference: one row per metric the code registers (the real
// registries of the webhook, every part on, and of the sidecar), with its type and exact label names.

const page = readFileSync(new URL('monitoring.md', import.meta.url), 'utf8');

interface DocumentedMetric {
  type: string;
  labels: string[];
}

/** Rows `| \`mcp_header_forward_...\` | type | labels | meaning |`; a label is the first code span of each top-level comma part. */
function documented(): Map<string, DocumentedMetric> {
  const rows = [...page.matchAll(/^\| `(mcp_header_forward_[a-z_]+)` \| (\w+) \| ([^|]*(?:\\\|[^|]*)*) \|/gm)];
  return new Map(rows.map((m) => [m[1]!, { type: m[2]!, labels: labelsOf(m[3]!) }]));
}

function labelsOf(cell: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of cell) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts.map((part) => /^\s*`([a-z_]+)`/.exec(part)?.[1]).filter((label): label is string => label !== undefined);
}

describe('docs/monitoring.md', () => {
  let registered: MetricCatalog;
  beforeAll(async () => {
    // prom-client's default process/nodejs metrics are documented as families, not row by row.
    const ours = (name: string): boolean =>
      name.startsWith('mcp_header_forward_') && !/^mcp_header_forward_sidecar_(process|nodejs)_/.test(name);
    registered = new Map([...(await webhookMetrics()), ...sidecarMetrics()].filter(([name]) => ours(name)));
  }, 30_000);

  it('documents every metric the code registers, and no other', () => {
    expect([...documented().keys()].sort()).toEqual([...registered.keys()].sort());
  });

  it("names the default metric families the registries add (the webhook's unprefixed, the sidecar's prefixed)", () => {
    expect(page).toContain('(`process_*`, `nodejs_*`)');
    expect(page).toContain('`mcp_header_forward_sidecar_process_*`');
  });

  it('gives each its type and exact labels', () => {
    for (const [name, doc] of documented()) {
      const actual = registered.get(name);
      if (actual === undefined) continue;
      expect({ name, type: doc.type, labels: [...doc.labels].sort() }).toEqual({
        name,
        type: actual.type,
        labels: [...actual.labels].sort(),
      });
    }
  });
});
