import { describe, expect, it } from 'vitest';
import { buildNoProxy, noProxyMatches, splitNoProxy } from './noProxy.js';

describe('NO_PROXY matching (Go httpproxy semantics)', () => {
  it.each([
    ['*', 'anything.example', true],
    ['example.com', 'example.com', true],
    ['example.com', 'api.example.com', true],
    ['example.com', 'notexample.com', false],
    ['.example.com', 'api.example.com', true],
    ['.example.com', 'example.com', false],
    ['*.example.com', 'api.example.com', true],
    ['example.com:443', 'example.com', true],
    ['.svc', 'search.platform.svc', true],
    ['.svc', 'search.platform.svc.cluster.local', false],
    ['.cluster.local', 'search.platform.svc.cluster.local', true],
    ['10.0.0.0/8', '10.1.2.3', true],
    ['10.0.0.0/8', '11.1.2.3', false],
    ['10.1.2.3', '10.1.2.3', true],
    ['10.1.2.3', 'example.com', false],
    ['example.com', '10.1.2.3', false],
    ['::1', '[::1]', true],
    ['[::1]:8080', '::1', true],
    ['fd00::/8', 'fd00::1', true],
    ['API.Example.COM', 'api.example.com', true],
  ])('%s matches %s: %s', (element, host, expected) => {
    expect(noProxyMatches(element, host)).toBe(expected);
  });
});

describe('buildNoProxy', () => {
  const base = { apiServerHosts: ['10.96.0.1', 'kubernetes.default.svc'], clusterDomain: 'cluster.local' };

  it('adds loopback, the API server and the cluster suffixes, de-duplicated and sorted', () => {
    const result = buildNoProxy({ ...base, existing: splitNoProxy('LOCALHOST, internal.example , ,10.96.0.1'), routedHosts: ['api.example.com'] });
    expect(result.value).toBe('.cluster.local,.svc,10.96.0.1,127.0.0.1,::1,internal.example,kubernetes.default.svc,localhost');
    expect(result.dropped).toEqual([]);
  });

  it('leaves out .svc for a routed *.svc host, and keeps the API server by name', () => {
    const result = buildNoProxy({ ...base, existing: [], routedHosts: ['search.platform.svc'] });
    expect(result.value.split(',')).not.toContain('.svc');
    expect(result.value.split(',')).toContain('kubernetes.default.svc');
    expect(result.dropped).toEqual(['.svc']);
  });

  it("drops the user's own elements that would hide a routed host, including *", () => {
    const result = buildNoProxy({ ...base, existing: ['*', 'example.com', '10.0.0.0/8', 'other.org'], routedHosts: ['api.example.com', '10.2.3.4'] });
    expect(result.dropped).toEqual(['*', '10.0.0.0/8', 'example.com']);
    expect(result.value.split(',')).toContain('other.org');
  });

  it('keeps loopback even for a loopback route: Go never proxies loopback anyway', () => {
    expect(buildNoProxy({ ...base, existing: [], routedHosts: ['127.0.0.1'] }).value.split(',')).toContain('127.0.0.1');
  });
});
