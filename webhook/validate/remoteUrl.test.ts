import { describe, expect, it } from 'vitest';
import { remoteUrlRule } from './remoteUrl.js';
import { entry } from '../../test/unit/webhook/validateEntries.js';

const check = (spec: Record<string, unknown>) => remoteUrlRule.check({ entry: entry({ spec }), namespace: 'team-a', secrets: new Map() });

describe('remote-url rule', () => {
  it('accepts a public https URL', () => {
    expect(check({ remoteUrl: 'https://api.example.com/mcp' })).toEqual([]);
  });

  it.each([
    [undefined, /is required/],
    ['', /is required/],
    ['not a url', /is not a valid URL/],
    ['https://', /is not a valid URL/],
    ['ftp://files.example.com/', /scheme "ftp" is not supported/],
    ['http://169.254.169.254/', /private endpoint: 169\.254\.169\.254 is link-local/],
    ['https://[::1]:8443/', /private endpoint: ::1 is loopback/],
    ['http://localhost:8080/mcp', /private endpoint: localhost/],
  ])('denies remoteUrl %j at spec.remoteUrl', (remoteUrl, message) => {
    const findings = check({ remoteUrl, headerForward: {} });
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'violation', field: 'spec.remoteUrl', message: expect.stringMatching(message) }),
    ]);
  });

  it.each(['https://user:hunter2@api.example.com/mcp', 'https://token@api.example.com/mcp'])(
    'denies credentials in the URL (%s) without echoing them',
    (remoteUrl) => {
      const findings = check({ remoteUrl });
      expect(findings).toEqual([
        expect.objectContaining({
          severity: 'violation',
          field: 'spec.remoteUrl',
          message: expect.stringMatching(/user name or password/),
        }),
      ]);
      expect(JSON.stringify(findings)).not.toMatch(/hunter2|token@/);
    },
  );

  it('allows private targets with spec.allowPrivateEndpoint', () => {
    expect(check({ remoteUrl: 'https://10.0.0.5/mcp', allowPrivateEndpoint: true })).toEqual([]);
  });

  it('says how to allow a private target on purpose', () => {
    expect(check({ remoteUrl: 'https://10.0.0.5/mcp' })[0]!.hint).toContain('spec.allowPrivateEndpoint: true');
  });

  it('warns when secret headers would go over plain http', () => {
    expect(check({ remoteUrl: 'http://api.example.com/mcp' })).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('1 secret header(s) would be sent over plain http'),
      }),
    ]);
  });

  it('does not warn about plain http without secret headers', () => {
    expect(check({ remoteUrl: 'http://api.example.com/mcp', headerForward: { addPlaintextHeaders: { 'X-Tenant': 'a' } } })).toEqual([]);
  });
});
