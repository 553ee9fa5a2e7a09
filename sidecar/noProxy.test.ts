import { describe, expect, it } from 'vitest';
import { parseNoProxy } from './noProxy.js';

describe('parseNoProxy (Go httpproxy semantics)', () => {
  const rule = parseNoProxy('internal.example, .svc.cluster.local, 10.0.0.0/8, 192.168.1.5, api.corp:8443, [::1]');

  it.each([
    ['internal.example', 443, true],
    ['a.internal.example', 443, true],
    ['xinternal.example', 443, false],
    ['svc.cluster.local', 443, false],
    ['kubernetes.default.svc.cluster.local', 443, true],
    ['10.1.2.3', 80, true],
    ['11.1.2.3', 80, false],
    ['192.168.1.5', 80, true],
    ['api.corp', 8443, true],
    ['api.corp', 443, false],
    ['[::1]', 80, true],
    ['mcp.example.com', 443, false],
  ])('%s:%d bypasses the proxy: %s', (host, port, bypass) => {
    expect(rule.matches(host, port)).toBe(bypass);
  });

  it('treats * as everything and empty as nothing', () => {
    expect(parseNoProxy('*').matches('any.host', 1)).toBe(true);
    expect(parseNoProxy('').matches('any.host', 1)).toBe(false);
    expect(parseNoProxy(undefined).matches('any.host', 1)).toBe(false);
  });
});
