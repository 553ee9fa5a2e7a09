import { describe, expect, it } from 'vitest';
import { parseAbsoluteTarget, parseConnectAuthority } from './target.js';

describe('parseAbsoluteTarget', () => {
  it.each([
    ['http://Api.Example.com/mcp?x=1', { scheme: 'http', host: 'api.example.com', port: 80, path: '/mcp?x=1' }],
    ['http://h:8080', { scheme: 'http', host: 'h', port: 8080, path: '/' }],
    ['https://h/', { scheme: 'https', host: 'h', port: 443, path: '/' }],
    ['http://[::1]:9/a', { scheme: 'http', host: '[::1]', port: 9, path: '/a' }],
  ])('%s', (input, target) => expect(parseAbsoluteTarget(input)).toEqual(target));

  it.each(['/origin-form', 'ftp://h/x', 'http://user:pw@h/', 'not a url', undefined])('rejects %s', (input) => {
    expect(parseAbsoluteTarget(input)).toBeUndefined();
  });
});

describe('parseConnectAuthority', () => {
  it('parses host:port and bracketed IPv6', () => {
    expect(parseConnectAuthority('API.example.com:443')).toEqual({ host: 'api.example.com', port: 443 });
    expect(parseConnectAuthority('[::1]:8443')).toEqual({ host: '[::1]', port: 8443 });
  });

  it.each(['example.com', 'example.com:0', 'example.com:99999', 'a/b:443', 'user@h:443', ''])('rejects %s', (input) => {
    expect(parseConnectAuthority(input)).toBeUndefined();
  });
});
