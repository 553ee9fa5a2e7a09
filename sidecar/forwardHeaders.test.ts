import { describe, expect, it } from 'vitest';
import { planRequestHeaders, responseHeaders } from './forwardHeaders.js';
import { sealedPlaceholder } from '../contract/sealing.js';
import type { RouteHeader, SealedHeader } from './routeTable.js';

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
      [
        'Host',
        'a',
        'Proxy-Authorization',
        'Basic x',
        'Proxy-Connection',
        'keep-alive',
        'Connection',
        'X-Hop',
        'X-Hop',
        '1',
        'Keep-Alive',
        '5',
        'TE',
        'trailers',
        'X-Stay',
        'y',
      ],
      [],
    );
    expect(plan.headers).toEqual(['X-Stay', 'y']);
  });

  it('drops Expect: the proxy already answered 100-continue to the client', () => {
    expect(planRequestHeaders(['Expect', '100-continue', 'Content-Length', '3'], []).headers).toEqual(['Content-Length', '3']);
  });
});

describe('planRequestHeaders with sealed headers (vMCP sends a placeholder)', () => {
  const ENV = 'TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB';
  const sealed: SealedHeader[] = [
    { name: 'Authorization', lowerName: 'authorization', placeholder: sealedPlaceholder(ENV), value: 'Bearer real' },
  ];

  it("swaps a header whose value is exactly this route's placeholder, whatever the name's case", () => {
    const plan = planRequestHeaders(['authorization', sealedPlaceholder(ENV), 'Accept', '*/*'], [], sealed);
    expect(plan.headers).toEqual(['authorization', 'Bearer real', 'Accept', '*/*']);
    expect(plan.unsealed).toEqual(['Authorization']);
    expect(plan.placeholders).toBe(0);
  });

  it("passes on, and counts, a placeholder that is not the route header's exact one", () => {
    const other = sealedPlaceholder('TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_OTHER');
    const plan = planRequestHeaders(
      ['Authorization', other, 'X-Copy', sealedPlaceholder(ENV), 'X-Padded', ` ${sealedPlaceholder(ENV)}`],
      [],
      sealed,
    );
    expect(plan.headers).toEqual(['Authorization', other, 'X-Copy', sealedPlaceholder(ENV), 'X-Padded', ` ${sealedPlaceholder(ENV)}`]);
    expect(plan.unsealed).toEqual([]);
    expect(plan.placeholders).toBe(2);
  });

  it('never puts the value in where the request matched no route (no sealed list)', () => {
    const plan = planRequestHeaders(['Authorization', sealedPlaceholder(ENV)], []);
    expect(plan.headers).toEqual(['Authorization', sealedPlaceholder(ENV)]);
    expect(plan.placeholders).toBe(1);
  });

  it('keeps a value the client set itself (not the placeholder) as it is', () => {
    const plan = planRequestHeaders(['Authorization', 'Bearer from-client'], [], sealed);
    expect(plan.headers).toEqual(['Authorization', 'Bearer from-client']);
    expect(plan.unsealed).toEqual([]);
  });
});

describe('responseHeaders', () => {
  it('drops hop-by-hop response headers and keeps the rest', () => {
    expect(
      responseHeaders({
        'content-type': 'text/event-stream',
        connection: 'keep-alive',
        'keep-alive': 'timeout=5',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a', 'b'],
      }),
    ).toEqual({
      'content-type': 'text/event-stream',
      'set-cookie': ['a', 'b'],
    });
  });
});
