import { describe, expect, it } from 'vitest';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import { HEADER_COUNT_RULE, MAX_HEADERS_PER_ENTRY } from './headerCount.js';
import { PLAINTEXT_CREDENTIAL_RULE } from './plaintextValues.js';
import { REASONS, type Reason } from './reasons.js';
import { rulesFor, type MissingSecretPolicy } from './secretPolicy.js';
import { SECRET_MISSING_RULE } from './secretRefs.js';
import { entry, foundSecret, GOOD_SECRETS, headerForward, lookups, type EntryFixture } from '../../test/unit/webhook/validateEntries.js';
import type { Finding, SecretLookupResults } from './types.js';
import { DEFAULT_RULES, runRules } from './validateEntry.js';

// Each rule sets its finding's reason where it knows what went wrong; nothing reads the reason back from wording.

interface Case {
  spec?: EntryFixture['spec'];
  name?: string;
  secrets?: SecretLookupResults;
  siblings?: MCPServerEntry[];
  requireHostBinding?: boolean;
  missingSecret?: MissingSecretPolicy;
  violations: Reason[];
  /** Checked only when given (most cases also carry unrelated warnings). */
  warnings?: Reason[];
}

const secretHeader = (headerName: string, name = 'github-token', key = 'token') => ({ headerName, valueSecretRef: { name, key } });
const token = (value: string) => lookups({ 'github-token': foundSecret('github-token', { token: value }) });
const annotated = (hosts: string) =>
  lookups({ 'github-token': foundSecret('github-token', { token: 'v' }, { [ALLOWED_HOSTS_ANNOTATION]: hosts }) });
const manyHeaders = Object.fromEntries(Array.from({ length: MAX_HEADERS_PER_ENTRY + 1 }, (_, i) => [`X-H${i}`, 'v']));

const CASES: Record<string, Case> = {
  'a missing Secret (ToolHive reason)': {
    secrets: lookups({ 'github-token': { status: 'not-found' } }),
    violations: [REASONS.headerSecretNotFound],
  },
  'a missing Secret admitted by --missing-secret=warn': {
    secrets: lookups({ 'github-token': { status: 'not-found' } }),
    missingSecret: 'warn',
    violations: [],
    warnings: [REASONS.headerSecretNotFound],
  },
  'a missing key': {
    spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', 'github-token', 'nope')] }),
    violations: [REASONS.headerSecretKeyNotFound],
  },
  'a Secret value with a trailing newline': { secrets: token('abc\n'), violations: [REASONS.invalidHeaderValue] },
  'an empty Secret value': { secrets: token(''), violations: [REASONS.invalidHeaderValue] },
  'a Secret value with a control character': { secrets: token('a\u0007b'), violations: [REASONS.invalidHeaderValue] },
  'a Secret that could not be read': {
    secrets: lookups({ 'github-token': { status: 'error', reason: 'HTTP 500' } }),
    violations: [REASONS.secretLookupFailed],
  },
  'a Secret that was not looked up': { secrets: lookups({}), violations: [REASONS.secretLookupFailed] },
  'a Secret the requester may not read': {
    secrets: lookups({ 'github-token': { status: 'forbidden', user: 'mallory' } }),
    violations: [REASONS.secretAccessDenied],
  },
  'an access review that could not run': {
    secrets: lookups({ 'github-token': { status: 'access-unknown', user: 'mallory', reason: 'timeout' } }),
    violations: [REASONS.secretAccessDenied],
  },
  'a restricted header': { spec: headerForward({ addPlaintextHeaders: { Host: 'x' } }), violations: [REASONS.restrictedHeader] },
  'a header name that is not a token': {
    spec: headerForward({ addPlaintextHeaders: { 'X Bad': 'x' } }),
    violations: [REASONS.invalidHeaderName],
  },
  'a duplicate header name': {
    spec: headerForward({ addPlaintextHeaders: { 'X-Api-Key': 'x' }, addHeadersFromSecret: [secretHeader('x-api-key')] }),
    violations: [REASONS.duplicateHeaderName],
  },
  // The duplicate is its own finding with its own reason, whatever else is wrong with the name.
  'a restricted header set twice': {
    spec: headerForward({ addPlaintextHeaders: { Host: 'x', host: 'y' } }),
    violations: [REASONS.restrictedHeader, REASONS.restrictedHeader, REASONS.duplicateHeaderName],
  },
  'two secret headers with one env var': {
    spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key'), secretHeader('X-Api.Key')] }),
    violations: [REASONS.duplicateHeaderName],
  },
  'CR/LF in a plaintext value': {
    spec: headerForward({ addPlaintextHeaders: { 'X-Team': 'a\r\nb' } }),
    violations: [REASONS.invalidHeaderValue],
  },
  'a credential-looking plaintext header': {
    spec: headerForward({ addPlaintextHeaders: { Authorization: 'Bearer x' } }),
    violations: [],
    warnings: [REASONS.plaintextCredential],
  },
  'an empty Secret name': {
    spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', '')] }),
    violations: [REASONS.invalidSecretRef],
  },
  'an empty Secret key': {
    spec: headerForward({ addHeadersFromSecret: [secretHeader('X-Api-Key', 'github-token', '')] }),
    violations: [REASONS.invalidSecretRef],
  },
  'a secret header without valueSecretRef': {
    spec: headerForward({ addHeadersFromSecret: [{ headerName: 'X-Api-Key' }] }),
    violations: [REASONS.invalidSecretRef],
  },
  'a private endpoint': { spec: { remoteUrl: 'https://169.254.169.254/latest' }, violations: [REASONS.privateEndpoint] },
  'a scheme that is not http(s)': { spec: { remoteUrl: 'ftp://example.com' }, violations: [REASONS.invalidRemoteUrl] },
  'a remoteUrl that does not parse': { spec: { remoteUrl: 'not a url' }, violations: [REASONS.invalidRemoteUrl] },
  'no remoteUrl': { spec: { remoteUrl: '' }, violations: [REASONS.invalidRemoteUrl] },
  'a password in the remoteUrl': { spec: { remoteUrl: 'https://u:p@api.example.com/mcp' }, violations: [REASONS.invalidRemoteUrl] },
  'secret headers over plain http': {
    spec: { remoteUrl: 'http://api.example.com/mcp' },
    violations: [],
    warnings: [REASONS.secretOverHttp],
  },
  'a host the Secret may not go to': { secrets: annotated('other.example.com'), violations: [REASONS.secretHostNotAllowed] },
  'an invalid allowed-hosts annotation': { secrets: annotated('https://x/'), violations: [REASONS.secretHostNotAllowed] },
  'no allowed-hosts annotation under --require-host-binding': { requireHostBinding: true, violations: [REASONS.secretHostNotAllowed] },
  'an env var another entry of the group uses': {
    name: 'my-entry',
    siblings: [entry({ name: 'my.entry' })],
    violations: [REASONS.headerEnvVarCollision],
  },
  'too many headers': { spec: headerForward({ addPlaintextHeaders: manyHeaders }), violations: [REASONS.tooManyHeaders] },
};

function findingsOf(c: Case): Finding[] {
  const rules = rulesFor({ missingSecret: c.missingSecret ?? 'deny', requireHostBinding: c.requireHostBinding ?? false });
  const e = entry({ ...(c.name !== undefined ? { name: c.name } : {}), spec: c.spec });
  return runRules(rules, {
    entry: e,
    namespace: 'team-a',
    secrets: c.secrets ?? GOOD_SECRETS,
    ...(c.siblings !== undefined ? { siblings: c.siblings } : {}),
  });
}

const reasonsOf = (findings: Finding[], severity: Finding['severity']) =>
  findings.filter((f) => f.severity === severity).map((f) => f.reason);

describe('reasons, as the rules set them', () => {
  it.each(Object.entries(CASES))('%s', (_what, c) => {
    const findings = findingsOf(c);
    expect(reasonsOf(findings, 'violation')).toEqual(c.violations);
    if (c.warnings !== undefined) expect(reasonsOf(findings, 'warning')).toEqual(c.warnings);
  });

  it('every finding of every rule carries one of the REASONS, and the table reaches every rule', () => {
    const findings = Object.values(CASES).flatMap(findingsOf);
    const known: readonly string[] = Object.values(REASONS);
    expect(findings.filter((f) => !known.includes(f.reason))).toEqual([]);
    const ruleIds = new Set(findings.map((f) => f.rule));
    // A rule added to DEFAULT_RULES needs a case here; these three are findings outside the rule list's own ids.
    for (const id of [...DEFAULT_RULES.map((r) => r.id), HEADER_COUNT_RULE, SECRET_MISSING_RULE, PLAINTEXT_CREDENTIAL_RULE])
      expect(ruleIds).toContain(id);
  });

  it('some rule gives each reason, except those for unreadable objects and the retired generic one', () => {
    const given = new Set(
      Object.values(CASES)
        .flatMap(findingsOf)
        .map((f) => f.reason),
    );
    const unused = Object.values(REASONS).filter((r) => !given.has(r));
    expect(unused.sort()).toEqual([REASONS.headerForwardInvalid, REASONS.unreadableObject].sort());
  });
});
