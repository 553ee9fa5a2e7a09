import { secretEnvVarName, normalize } from '../../contract/envNames.js';
import { isHeaderToken, isRestrictedHeader } from '../../contract/headers.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { configuredHeaders, type ConfiguredHeader } from './headers.js';
import { REASONS, type Reason } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const HEADER_NAME_RULE = 'header-name';

// Header names: RFC 9110 token, not restricted, no case-insensitive duplicate across plaintext and secret
// headers, no two secret headers that land in the same env var after ToolHive's lossy normalize().
export const headerNameRule: Rule = {
  id: HEADER_NAME_RULE,
  check({ entry }: RuleInput): Finding[] {
    return [...headerNameViolations(entry), ...envCollisionFindings(configuredHeaders(entry), entry.metadata.name)];
  },
};

/**
 * Grammar, restricted and case-insensitive duplicate names. The injector skips an entry with any of these, so it
 * calls this too. Env collisions stay out: the injector judges those on the env vars it actually creates.
 */
export function headerNameViolations(entry: MCPServerEntry): Finding[] {
  const headers = configuredHeaders(entry);
  return [...headers.flatMap(grammarFindings), ...duplicateFindings(headers)];
}

function violation(header: ConfiguredHeader, reason: Reason, message: string, hint: string): Finding {
  return { severity: 'violation', rule: HEADER_NAME_RULE, reason, subject: header.subject, field: header.field, message, hint };
}

function grammarFindings(header: ConfiguredHeader): Finding[] {
  if (!isHeaderToken(header.name)) {
    return [
      violation(
        header,
        REASONS.invalidHeaderName,
        `${JSON.stringify(header.name)} is not a valid HTTP header name (RFC 9110 token)`,
        "use only letters, digits and !#$%&'*+-.^_`|~, no spaces or colons, e.g. X-Api-Key",
      ),
    ];
  }
  if (isRestrictedHeader(header.name)) {
    return [
      violation(
        header,
        REASONS.restrictedHeader,
        `header ${JSON.stringify(header.name)} is restricted and cannot be forwarded (it controls routing, framing or client identity)`,
        'remove it; ToolHive refuses the same set (Host, Connection, X-Forwarded-*, Proxy-*, ...)',
      ),
    ];
  }
  return [];
}

function duplicateFindings(headers: readonly ConfiguredHeader[]): Finding[] {
  const first = new Map<string, ConfiguredHeader>();
  const findings: Finding[] = [];
  for (const header of headers) {
    const key = header.name.toLowerCase();
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, header);
      continue;
    }
    findings.push(
      violation(
        header,
        REASONS.duplicateHeaderName,
        `header ${JSON.stringify(header.name)} duplicates ${JSON.stringify(earlier.name)} at ${earlier.field} (header names are case-insensitive)`,
        'keep one of the two; a header comes either from addPlaintextHeaders or from addHeadersFromSecret',
      ),
    );
  }
  return findings;
}

function envCollisionFindings(headers: readonly ConfiguredHeader[], entryName: string | undefined): Finding[] {
  const first = new Map<string, ConfiguredHeader>();
  const findings: Finding[] = [];
  for (const header of headers) {
    if (header.kind !== 'secret') continue;
    const key = normalize(header.name);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, header);
      continue;
    }
    // Same name up to case is already a duplicate; report only the lossy-normalize collisions here.
    if (earlier.name.toLowerCase() === header.name.toLowerCase()) continue;
    const envVar = entryName !== undefined ? secretEnvVarName(entryName, header.name) : `TOOLHIVE_SECRET_HEADER_FORWARD_${key}_<ENTRY>`;
    // Within one entry the two are the same name to ToolHive: DuplicateHeaderName (HeaderEnvVarCollision is across entries).
    findings.push(
      violation(
        header,
        REASONS.duplicateHeaderName,
        `header ${JSON.stringify(header.name)} and ${JSON.stringify(earlier.name)} at ${earlier.field} map to the same env var ${envVar}`,
        'rename one of them; ToolHive turns every character outside A-Z, 0-9 and _ into _',
      ),
    );
  }
  return findings;
}
