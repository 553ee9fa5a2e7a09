import { describe, expect, it } from 'vitest';
import { hostAllowed, hostMatches, parseAllowedHosts, remoteHost, unboundSecretHeaders } from './hostBinding.js';

describe('hostMatches', () => {
  it.each<[string, string, boolean]>([
    ['api.example.com', 'api.example.com', true],
    ['API.Example.COM', 'api.example.com', true],
    ['api.example.com', 'API.EXAMPLE.COM', true],
    ['api.example.com.', 'api.example.com', true],
    ['api.example.com', 'example.com', false],
    ['other.example.com', 'api.example.com', false],
    ['a.example.org', '*.example.org', true],
    ['a.b.example.org', '*.example.org', true],
    ['A.Example.Org', '*.EXAMPLE.org', true],
    ['example.org', '*.example.org', false],
    ['badexample.org', '*.example.org', false],
    ['example.org.evil.com', '*.example.org', false],
    ['.example.org', '*.example.org', false],
    ['a.example.org', '*', false],
    ['a.example.org', '*example.org', false],
    ['a.example.org', 'a.*.org', false],
  ])('%s against %s -> %s', (host, pattern, expected) => {
    expect(hostMatches(host, pattern)).toBe(expected);
  });
});

describe('parseAllowedHosts', () => {
  it('splits on commas, trims, lower-cases and drops empty entries and duplicates', () => {
    expect(parseAllowedHosts(' api.example.com, *.Example.org ,,API.example.com,')).toEqual({
      patterns: ['api.example.com', '*.example.org'],
      invalid: [],
    });
  });

  it('keeps entries that are not host names apart, verbatim', () => {
    expect(parseAllowedHosts('https://api.example.com, *, api.example.com:443, *.ok.io, bad_host.io')).toEqual({
      patterns: ['*.ok.io'],
      invalid: ['https://api.example.com', '*', 'api.example.com:443', 'bad_host.io'],
    });
  });

  it('an empty annotation allows no host', () => {
    expect(parseAllowedHosts('  ')).toEqual({ patterns: [], invalid: [] });
  });
});

describe('hostAllowed and remoteHost', () => {
  it('matches any of the patterns', () => {
    expect(hostAllowed('mcp.example.org', ['api.example.com', '*.example.org'])).toBe(true);
    expect(hostAllowed('evil.test', ['api.example.com', '*.example.org'])).toBe(false);
    expect(hostAllowed('api.example.com', [])).toBe(false);
  });

  it('takes the host from a remoteUrl, without port or credentials', () => {
    expect(remoteHost('https://user:pw@API.example.com:8443/mcp')).toBe('api.example.com');
    expect(remoteHost('not a url')).toBeUndefined();
  });
});

describe('unboundSecretHeaders', () => {
  it('lists the headers whose patterns do not admit the remoteUrl host, sorted', () => {
    expect(unboundSecretHeaders('https://mcp.evil.test/mcp', { 'X-B': ['*.example.org'], 'X-A': ['mcp.evil.test'], 'X-C': [] })).toEqual([
      'X-B',
      'X-C',
    ]);
  });

  it('headers without patterns are not bound', () => {
    expect(unboundSecretHeaders('https://a.example.org/mcp', {})).toEqual([]);
  });
});
