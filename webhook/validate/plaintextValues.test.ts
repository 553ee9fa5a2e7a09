import { describe, expect, it } from 'vitest';
import { plaintextValueRule } from './plaintextValues.js';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';

const check = (headers: Record<string, string>) =>
  plaintextValueRule.check({
    entry: entry({ spec: headerForward({ addPlaintextHeaders: headers }) }),
    namespace: 'team-a',
    secrets: new Map(),
  });

describe('plaintext-value rule', () => {
  it.each(['repos,issues', 'with\ttab', '', 'plain ascii ok'])('accepts the value %j', (value) => {
    expect(check({ 'X-MCP-Toolsets': value })).toEqual([]);
  });

  it.each([
    ['a\rb', /contains a CR character, which would split the HTTP header/],
    ['a\nb', /contains a LF character/],
    ['a\0b', /contains a NUL character, which would truncate/],
    ['a\u0007b', /control character/],
    ['a\u007fb', /control character/],
    ['ünïcode', /non-ASCII character, which vMCP and the sidecar would not send as the same bytes/],
    ['repos\n', /trailing newline/],
  ])('denies the value %j', (value, message) => {
    expect(check({ 'X-MCP-Toolsets': value })).toEqual([
      expect.objectContaining({
        severity: 'violation',
        field: 'spec.headerForward.addPlaintextHeaders["X-MCP-Toolsets"]',
        message: expect.stringMatching(message),
      }),
    ]);
  });

  it('never echoes the value in the message', () => {
    const [finding] = check({ 'X-Tenant': 'VISIBLE-MARKER\n' });
    expect(JSON.stringify(finding)).not.toContain('VISIBLE-MARKER');
  });

  it.each(['Authorization', 'X-Api-Key', 'X-Auth-Token', 'X-Client-Secret', 'Cookie'])(
    'warns (does not deny) when %s is set in plaintext',
    (name) => {
      expect(check({ [name]: 'value' })).toEqual([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringContaining('looks like a credential'),
          hint: 'move it to addHeadersFromSecret',
        }),
      ]);
    },
  );
});
