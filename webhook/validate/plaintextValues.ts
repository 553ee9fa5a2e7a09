import { describeHeaderValueProblem, headerValueProblem, looksLikeCredentialHeader } from '../../contract/headers.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { plaintextHeaderPath } from './paths.js';
import { REASONS } from './reasons.js';
import type { Finding, Rule, RuleInput } from './types.js';

export const PLAINTEXT_VALUE_RULE = 'plaintext-value';
export const PLAINTEXT_CREDENTIAL_RULE = 'plaintext-credential';

// Plaintext values go on the wire as written: no control characters (CR/LF would split the request).
// Credential-looking names in plaintext are readable by anyone who can read the entry: warn, do not deny.
export const plaintextValueRule: Rule = {
  id: PLAINTEXT_VALUE_RULE,
  check({ entry }: RuleInput): Finding[] {
    const headers = entry.spec.headerForward?.addPlaintextHeaders ?? {};
    return Object.entries(headers).flatMap(([name, value]) => {
      const subject = `plaintext-header:${name}`;
      const field = plaintextHeaderPath(name);
      const findings: Finding[] = [];
      const problem = valueViolation(name, value);
      if (problem !== undefined) findings.push(problem);
      if (looksLikeCredentialHeader(name)) {
        findings.push({
          severity: 'warning',
          rule: PLAINTEXT_CREDENTIAL_RULE,
          reason: REASONS.plaintextCredential,
          subject,
          field,
          message: `${JSON.stringify(name)} looks like a credential but is set in plaintext, readable by anyone who can read this MCPServerEntry`,
          hint: 'move it to addHeadersFromSecret',
        });
      }
      return findings;
    });
  },
};

/** Values that cannot be sent as written. The injector skips an entry with any of these, so it calls this too. */
export function plaintextValueViolations(entry: MCPServerEntry): Finding[] {
  return Object.entries(entry.spec.headerForward?.addPlaintextHeaders ?? {}).flatMap(([name, value]) => valueViolation(name, value) ?? []);
}

function valueViolation(name: string, value: string): Finding | undefined {
  const problem = headerValueProblem(value);
  if (problem === undefined) return undefined;
  const trailing = value.endsWith('\n');
  return {
    severity: 'violation',
    rule: PLAINTEXT_VALUE_RULE,
    reason: REASONS.invalidHeaderValue,
    subject: `plaintext-header:${name}`,
    field: plaintextHeaderPath(name),
    message: trailing
      ? 'the value ends with a trailing newline, which cannot be sent in an HTTP header'
      : `the value ${describeHeaderValueProblem(problem)}`,
    hint: trailing
      ? 'remove the newline (in YAML, a `|` block scalar adds one: use a plain or quoted string)'
      : 'use visible ASCII, spaces and tabs only',
  };
}
