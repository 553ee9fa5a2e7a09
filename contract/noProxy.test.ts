import { describe, expect, it } from 'vitest';
import { noProxyMatches, parseNoProxy, splitNoProxy } from './noProxy.js';

// Go's own table (golang.org/x/net/http/httpproxy proxy_test.go, UseProxyTests and its noProxy string), which
// Go runs with the host given port 80: the same inputs must give the same answers here.
const goNoProxy =
  'foobar.com, .barbaz.net, *.wildcard.io, 192.168.1.1, 192.168.1.2:81, 192.168.1.3:80, 10.0.0.0/30, 2001:db8::52:0:1, [2001:db8::52:0:2]:443, [2001:db8::52:0:3]:80, 2002:db8:a::45/64';
const goUseProxyTests: [string, boolean][] = [
  ['localhost', false],
  ['127.0.0.1', false],
  ['127.0.0.2', false],
  ['[::1]', false],
  ['[::2]', true],
  ['192.168.1.1', false],
  ['192.168.1.2', true],
  ['192.168.1.3', false],
  ['192.168.1.4', true],
  ['10.0.0.2', false],
  ['[2001:db8::52:0:1]', false],
  ['[2001:db8::52:0:2]', true],
  ['[2001:db8::52:0:3]', false],
  ['[2002:db8:a::123]', false],
  ['[fe80::424b:c8be:1643:a1b6]', true],
  ['barbaz.net', true],
  ['www.barbaz.net', false],
  ['foobar.com', false],
  ['www.foobar.com', false],
  ['foofoobar.com', true],
  ['baz.com', true],
  ['localhost.net', true],
  ['local.localhost', true],
  ['barbarbaz.net', true],
  ['wildcard.io', true],
  ['nested.wildcard.io', false],
  ['awildcard.io', true],
];

describe('parseNoProxy: Go httpproxy useProxy', () => {
  const config = parseNoProxy(goNoProxy);

  it.each(goUseProxyTests)('%s:80 uses the proxy: %s', (host, useProxy) => {
    expect(config.useProxy(host, 80)).toBe(useProxy);
  });

  it('* bypasses every host; empty and unset bypass only loopback', () => {
    for (const [host] of goUseProxyTests) expect(parseNoProxy('*').useProxy(host, 80)).toBe(false);
    expect(parseNoProxy('').useProxy('mcp.example.com', 443)).toBe(true);
    expect(parseNoProxy(undefined).useProxy('localhost', 443)).toBe(false);
  });

  it('ignores malformed elements as Go does', () => {
    for (const element of [':1', ':', '[]:80', 'foo.com:', ',,,']) {
      expect(parseNoProxy(element).useProxy('foo.com', 80), element).toBe(true);
    }
  });

  it('limits an element with a port to that port, IPs never matched by names', () => {
    const config = parseNoProxy('api.corp:8443, 1.1');
    expect(config.useProxy('api.corp', 8443)).toBe(false);
    expect(config.useProxy('api.corp', 443)).toBe(true);
    expect(config.useProxy('1.1.1.1', 80)).toBe(true);
  });

  it('compares internationalised names as punycode', () => {
    expect(parseNoProxy('bücher.example').useProxy('xn--bcher-kva.example', 443)).toBe(false);
  });
});

describe('noProxyMatches: one element, any port', () => {
  it.each([
    ['*', 'anything.example', true],
    ['example.com', 'example.com', true],
    ['example.com', 'api.example.com', true],
    ['example.com', 'notexample.com', false],
    ['.example.com', 'api.example.com', true],
    ['.example.com', 'example.com', false],
    ['*.example.com', 'api.example.com', true],
    ['*.example.com', 'example.com', false],
    ['example.com:443', 'example.com', true],
    ['.svc', 'search.platform.svc', true],
    ['.svc', 'search.platform.svc.cluster.local', false],
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['10.1.2.3', 'example.com', false],
    ['example.com', '10.1.2.3', false],
    ['::1', '[::1]', true],
    ['[::1]:8080', '::1', true],
    ['fd00::/8', 'fd00::1', true],
    ['API.Example.COM', 'api.example.com', true],
  ])('%s matches %s: %s', (element, host, expected) => {
    expect(noProxyMatches(element, host)).toBe(expected);
  });

  it('splits, trims and lower-cases a NO_PROXY value', () => {
    expect(splitNoProxy(' A.com, ,b.COM ')).toEqual(['a.com', 'b.com']);
    expect(splitNoProxy(undefined)).toEqual([]);
  });
});
