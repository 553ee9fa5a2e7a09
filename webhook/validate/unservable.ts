import type { MCPServerEntry } from '../../contract/toolhive.js';
import { headerNameViolations } from './headerNames.js';
import { plaintextValueViolations } from './plaintextValues.js';
import { remoteUrlTarget } from './remoteUrl.js';
import type { Finding } from './types.js';

/**
 * What makes an entry impossible to route as written, from the entry alone (no lookups, no siblings), in the
 * order the validating webhook reports it. The injector leaves out an entry with any of these: it may have been
 * admitted before the webhook ran, or in warn/audit mode. Both ask the same rule code, so they cannot disagree.
 */
export function unservableViolations(entry: MCPServerEntry): Finding[] {
  const target = remoteUrlTarget(entry);
  return [...headerNameViolations(entry), ...plaintextValueViolations(entry), ...('violation' in target ? [target.violation] : [])];
}
