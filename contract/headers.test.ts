import { describe, expect, it } from 'vitest';
import {
  RESTRICTED_HEADERS,
  canonicalHeaderName,
  headerValueProblem,
  isHeaderToken,
  isRestrictedHeader,
  looksLikeCredentialHeader,
} from './headers.js';

describe('restricted headers', () => {
  it('has exactly ToolHive middleware.RestrictedHeaders', () => {
    expect([...RESTRICTED_HEADERS].sort()).toEqual(
      [
        'Connection',
        'Content-Length',
        'Forwarded',
        'Host',
        'Http2-Settings',
        'Keep-Alive',
        'Proxy-Authenticate',
        'Proxy-Authorization',
        'Proxy-Connection',
        'Te',
        'Trailer',
        'Transfer-Encoding',
        'Upgrade',
        'X-Forwarded-For',
        'X-Forwarded-Host',
        'X-Forwarded-Proto',
        'X-Real-Ip',
      ].sort(),
    );
  });

  it.each(['host', 'HOST', 'x-real-ip', 'X-REAL-IP', 'transfer-encoding', 'proxy-authorization'])('rejects %s in any case', (name) =>
    expect(isRestrictedHeader(name)).toBe(true),
  );

  it.each(['Authorization', 'X-Api-Key', 'X-MCP-Toolsets', 'Cookie'])('allows %s', (name) => expect(isRestrictedHeader(name)).toBe(false));

  it('canonicalises like Go http.CanonicalHeaderKey', () => {
    expect(canonicalHeaderName('x-real-ip')).toBe('X-Real-Ip');
    expect(canonicalHeaderName('HTTP2-SETTINGS')).toBe('Http2-Settings');
    expect(canonicalHeaderName('bad header')).toBe('bad header');
  });
});

describe('header grammar', () => {
  it.each(['X-Api-Key', 'x_custom', "a!#$%&'*+.^_`|~9"])('%s is a token', (n) => expect(isHeaderToken(n)).toBe(true));
  it.each(['', 'X Api', 'X:Api', 'Ünicode', 'a\r\nb', 'x(y)'])('%j is not a token', (n) => expect(isHeaderToken(n)).toBe(false));

  it.each([
    ['token\n', 'LF'],
    ['a\rb', 'CR'],
    ['a\0b', 'NUL'],
    ['a\u0001b', 'control'],
    ['a\u007fb', 'control'],
    ['caf\u00e9', 'non-ASCII'],
    ['\u4e2d', 'non-ASCII'],
    ['\u00e9\n', 'LF'],
  ] as const)('one rule for header values: %j is refused as %s', (value, problem) => {
    expect(headerValueProblem(value)).toBe(problem);
    expect(headerValueProblem(Buffer.from(value, 'utf8'))).toBe(problem);
  });

  it('accepts visible ASCII, spaces and tabs', () => {
    expect(headerValueProblem('Bearer abc.DEF-123_~+/= x\ty')).toBeUndefined();
    expect(headerValueProblem('')).toBeUndefined();
  });

  it.each(['Authorization', 'X-Api-Key', 'X-Auth-Token', 'X-Client-Secret', 'Cookie'])('%s looks like a credential', (n) =>
    expect(looksLikeCredentialHeader(n)).toBe(true),
  );
  it.each(['X-MCP-Toolsets', 'Accept-Language', 'X-Tenant'])('%s does not', (n) => expect(looksLikeCredentialHeader(n)).toBe(false));
});

describe('ToolHive examples (pkg/vmcp/headerforward/transport_test.go)', () => {
  // vMCP canonicalises every configured name with http.CanonicalHeaderKey before setting it.
  it.each([
    ['X-API-Key', 'X-Api-Key'],
    ['x-api-key', 'X-Api-Key'],
    ['X-MCP-Toolsets', 'X-Mcp-Toolsets'],
    ['X-Forwarded-For', 'X-Forwarded-For'],
  ])('canonicalHeaderName(%s) = %s', (name, canonical) => {
    expect(canonicalHeaderName(name)).toBe(canonical);
  });

  it('restricts X-Forwarded-For, the header its forwarded-header merge drops', () => {
    expect(isRestrictedHeader('X-Forwarded-For')).toBe(true);
    expect(isRestrictedHeader('X-Api-Key')).toBe(false);
  });
});
