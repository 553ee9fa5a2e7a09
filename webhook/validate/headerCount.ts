import type { MCPServerEntry } from '../../contract/toolhive.js';
import { REASONS } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const HEADER_COUNT_RULE = 'header-count';
/**
 * Headers one entry may forward (plaintext + from Secrets). ToolHive's CRD sets no maxItems; each Secret header
 * costs API lookups at admission, so an entry with thousands of them would turn one review into thousands of calls.
 */
export const MAX_HEADERS_PER_ENTRY = 64;

export function forwardedHeaderCount(entry: MCPServerEntry): number {
  const hf = entry.spec.headerForward;
  return Object.keys(hf?.addPlaintextHeaders ?? {}).length + (hf?.addHeadersFromSecret ?? []).length;
}

export const headerCountRule: Rule = {
  id: HEADER_COUNT_RULE,
  check({ entry }: RuleInput): Finding[] {
    const count = forwardedHeaderCount(entry);
    if (count <= MAX_HEADERS_PER_ENTRY) return [];
    return [
      {
        severity: 'violation',
        rule: HEADER_COUNT_RULE,
        reason: REASONS.tooManyHeaders,
        subject: 'headerForward',
        field: 'spec.headerForward',
        message: `forwards ${count} headers; at most ${MAX_HEADERS_PER_ENTRY} per entry (nothing else was checked, no Secret was looked up)`,
        hint: 'forward only the headers the server needs, or split them across entries',
      },
    ];
  },
};
