import { describe, expect, it } from 'vitest';
import { splitNoProxy } from '../../contract/noProxy.js';
import { buildNoProxy } from './noProxy.js';

describe('buildNoProxy', () => {
  const base = { apiServerHosts: ['10.96.0.1', 'kubernetes.default.svc'], clusterDomain: 'cluster.local' };

  it('adds loopback, the API server and the cluster suffixes, de-duplicated and sorted', () => {
    const result = buildNoProxy({
      ...base,
      existing: splitNoProxy('LOCALHOST, internal.example , ,10.96.0.1'),
      routedHosts: ['api.example.com'],
    });
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
    const result = buildNoProxy({
      ...base,
      existing: ['*', 'example.com', '10.0.0.0/8', 'other.org'],
      routedHosts: ['api.example.com', '10.2.3.4'],
    });
    expect(result.dropped).toEqual(['*', '10.0.0.0/8', 'example.com']);
    expect(result.value.split(',')).toContain('other.org');
  });

  it('keeps loopback even for a loopback route: Go never proxies loopback anyway', () => {
    expect(buildNoProxy({ ...base, existing: [], routedHosts: ['127.0.0.1'] }).value.split(',')).toContain('127.0.0.1');
  });
});
