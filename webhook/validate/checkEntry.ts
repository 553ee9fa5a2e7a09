import type { MCPServerEntry } from '../../contract/toolhive.js';
import { lookupSecrets, type GetSecret } from './lookup.js';
import type { Rule, Violation } from './types.js';
import { DEFAULT_RULES, validateEntry } from './validateEntry.js';

/** One entry's verdict outside admission (offline CLI, background reports): enforce semantics, no ratchet. */
export interface EntryReport {
  namespace: string;
  name: string;
  allowed: boolean;
  violations: Violation[];
  warnings: string[];
  /** The warnings as data: reason code, field, message. */
  warningFindings: Violation[];
}

export async function checkEntry(
  entry: MCPServerEntry,
  namespace: string,
  getSecret: GetSecret,
  rules: readonly Rule[] = DEFAULT_RULES,
  siblings: readonly MCPServerEntry[] = [],
): Promise<EntryReport> {
  const secrets = await lookupSecrets(entry, namespace, getSecret);
  const result = validateEntry({ entry, operation: 'CREATE', namespace, secrets, siblings }, rules);
  return {
    namespace,
    name: entry.metadata.name ?? '',
    allowed: result.violations.length === 0,
    violations: result.violations,
    warnings: result.warnings,
    warningFindings: result.warningFindings,
  };
}
