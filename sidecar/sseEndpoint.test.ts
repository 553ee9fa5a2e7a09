import { describe, expect, it } from 'vitest';
import { compileRouteTable, matchRoute } from './routeTable.js';
import { firstEndpointEvent, learnEndpoint, MAX_ENDPOINTS_PER_ROUTE } from './sseEndpoint.js';

describe('firstEndpointEvent', () => {
  it.each([
    ['event: endpoint\ndata: /messages?sessionId=1\n\n', '/messages?sessionId=1'],
    ['event: endpoint\r\ndata: /m\r\n\r\ndata: more\n\n', '/m'],
    [': comment\nevent:endpoint\ndata:/m\n\n', '/m'],
    ['event: endpoint\ndata: /m', undefined],
    ['data: hello\n\n', null],
    ['event: endpoint\n\n', null],
  ])('%j -> %j', (text, result) => expect(firstEndpointEvent(text)).toBe(result));
});

describe('learnEndpoint', () => {
  const table = () => compileRouteTable([{ entry: 'ns/sse', remoteUrl: 'https://mcp.example.com/sse', headers: [] }]);

  it('makes the announced path (not its query) part of the route', () => {
    const t = table();
    const route = t.routes[0]!;
    expect(matchRoute(t, 'https', 'mcp.example.com', 443, '/messages?sessionId=a')).toBeUndefined();
    expect(learnEndpoint(t, route, 'https://mcp.example.com:443/sse', '/messages?sessionId=a')).toBe('/messages');
    expect(matchRoute(t, 'https', 'mcp.example.com', 443, '/messages?sessionId=b')?.entry).toBe('ns/sse');
    expect(matchRoute(t, 'https', 'mcp.example.com', 443, '/messages/x')).toBeUndefined();
  });

  it('ignores an endpoint on another origin', () => {
    const t = table();
    expect(learnEndpoint(t, t.routes[0]!, 'https://mcp.example.com/sse', 'https://evil.example.com/messages')).toBeUndefined();
    expect(learnEndpoint(t, t.routes[0]!, 'https://mcp.example.com/sse', 'http://mcp.example.com/messages')).toBeUndefined();
    expect(matchRoute(t, 'https', 'evil.example.com', 443, '/messages')).toBeUndefined();
  });

  it(`keeps at most ${MAX_ENDPOINTS_PER_ROUTE} endpoints per route, dropping the oldest`, () => {
    const t = table();
    for (let i = 0; i <= MAX_ENDPOINTS_PER_ROUTE; i++) learnEndpoint(t, t.routes[0]!, 'https://mcp.example.com/sse', `/messages/${i}`);
    expect(matchRoute(t, 'https', 'mcp.example.com', 443, '/messages/0')).toBeUndefined();
    expect(matchRoute(t, 'https', 'mcp.example.com', 443, `/messages/${MAX_ENDPOINTS_PER_ROUTE}`)?.entry).toBe('ns/sse');
  });
});
