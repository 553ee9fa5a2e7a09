import { describe, expect, it } from 'vitest';
import { planRequestHeaders, responseHeaders } from './forwardHeaders.js';
import type { RouteHeader } from './routeTable.js';

const header = (name: string, value: string, secret = false): RouteHeader => ({ name, lowerName: name.toLowerCase(), value, secret });

describe('planRequestHeaders', () => {
  it('adds the route headers the request does not carry', () => {
    const plan = planRequestHeaders(['Accept', 'text/event-stream'], [header('X-Tenant', 't1'), header('Authorization', 'Bearer s', true)]);
    expect(plan.headers).toEqual(['Accept', 'text/event-stream', 'X-Tenant', 't1', 'Authorization', 'Bearer s']);
    expect(plan.added).toEqual(['X-Tenant', 'Authorization']);
  });

  it('never clobbers a header the client sent, whatever its case', () => {
    const plan = planRequestHeaders(['authorization', 'Bearer client'], [header('Authorization', 'Bearer route', true)]);
    expect(plan.headers).toEqual(['authorization', 'Bearer client']);
    expect(plan.kept).toEqual(['Authorization']);
    expect(plan.added).toEqual([]);
  });

  it('strips hop-by-hop, proxy and Host headers and those named by Connection', () => {
    const plan = planRequestHeaders(
      ['Host', 'a', 'Proxy-Authorization', 'Basic x', 'Proxy-Connection', 'keep-alive', 'Connection', 'X-Hop', 'X-Hop', '1', 'Keep-Alive', '5', 'TE', 'trailers', 'X-Stay', 'y'],
      [],
    );
    expect(plan.headers).toEqual(['X-Stay', 'y']);
  });

  it('drops Expect: the proxy already answered 100-continue to the client', () => {
    expect(planRequestHeaders(['Expect', '100-continue', 'Content-Length', '3'], []).headers).toEqual(['Content-Length', '3']);
  });
});

describe('responseHeaders', () => {
  it('drops hop-by-hop response headers and keeps the rest', () => {
    expect(responseHeaders({ 'content-type': 'text/event-stream', connection: 'keep-alive', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'set-cookie': ['a', 'b'] })).toEqual({
      'content-type': 'text/event-stream',
      'set-cookie': ['a', 'b'],
    });
  });
});
