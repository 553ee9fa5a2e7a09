import { describe, expect, it } from 'vitest';
import { RESTRICTED_HEADERS } from '../../contract/headers.js';
import { headerNameRule } from './headerNames.js';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';

const check = (forward: Record<string, unknown>) =>
  headerNameRule.check({ entry: entry({ spec: headerForward(forward) }), namespace: 'team-a', secrets: new Map() });

const secretHeader = (headerName: string, key = 'k') => ({ headerName, valueSecretRef: { name: 's', key } });

describe('header-name rule', () => {
  it('accepts RFC 9110 tokens that are not restricted', () => {
    expect(
      check({ addPlaintextHeaders: { 'X-Tenant': 'a', "x!#$%&'*+.^_`|~9": 'b' }, addHeadersFromSecret: [secretHeader('Authorization')] }),
    ).toEqual([]);
  });

  it.each(['X Api', 'X:Api', 'Ünicode', 'x(y)', 'a\r\nb', 'X-Api-Key '])(
    'rejects the plaintext header name %j with its field path',
    (name) => {
      const [finding, ...rest] = check({ addPlaintextHeaders: { [name]: 'v' } });
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({
        severity: 'violation',
        field: `spec.headerForward.addPlaintextHeaders[${JSON.stringify(name)}]`,
        message: expect.stringContaining('not a valid HTTP header name'),
        hint: expect.stringContaining('letters, digits'),
      });
    },
  );

  it('rejects an invalid secret header name at its headerName path', () => {
    expect(check({ addHeadersFromSecret: [secretHeader('X-Ok'), secretHeader('bad name')] })).toEqual([
      expect.objectContaining({ field: 'spec.headerForward.addHeadersFromSecret[1].headerName' }),
    ]);
  });

  it.each(RESTRICTED_HEADERS.flatMap((h) => [h, h.toLowerCase(), h.toUpperCase()]))('rejects the restricted header %s', (name) => {
    for (const forward of [{ addPlaintextHeaders: { [name]: 'v' } }, { addHeadersFromSecret: [secretHeader(name)] }]) {
      expect(check(forward)).toEqual([expect.objectContaining({ message: expect.stringContaining('is restricted') })]);
    }
  });

  it.each([
    [
      'plaintext vs secret',
      { addPlaintextHeaders: { 'X-Api-Key': 'v' }, addHeadersFromSecret: [secretHeader('x-api-key')] },
      'spec.headerForward.addHeadersFromSecret[0].headerName',
    ],
    [
      'secret vs secret',
      { addHeadersFromSecret: [secretHeader('Authorization'), secretHeader('AUTHORIZATION')] },
      'spec.headerForward.addHeadersFromSecret[1].headerName',
    ],
    [
      'plaintext vs plaintext',
      { addPlaintextHeaders: { 'X-Tenant': 'a', 'x-tenant': 'b' } },
      'spec.headerForward.addPlaintextHeaders["x-tenant"]',
    ],
  ])('reports a case-insensitive duplicate (%s) on the later header', (_case, forward, field) => {
    const findings = check(forward);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ field, message: expect.stringMatching(/duplicates .* case-insensitive/) });
  });

  it('reports secret headers that collide after normalize, naming the env var', () => {
    const findings = check({ addHeadersFromSecret: [secretHeader('X-Api-Key'), secretHeader('X-Api.Key'), secretHeader('X_Api_Key')] });
    expect(findings.map((f) => f.field)).toEqual([
      'spec.headerForward.addHeadersFromSecret[1].headerName',
      'spec.headerForward.addHeadersFromSecret[2].headerName',
    ]);
    expect(findings[0]!.message).toContain('TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_GITHUB');
  });

  it('does not treat a plaintext header as an env collision (plaintext values have no env var)', () => {
    expect(check({ addPlaintextHeaders: { 'X-Api.Key': 'v' }, addHeadersFromSecret: [secretHeader('X-Api-Key')] })).toEqual([]);
  });
});
