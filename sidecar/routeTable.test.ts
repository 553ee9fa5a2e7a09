import { describe, expect, it } from 'vitest';
import { compileRouteTable, hasOrigin, matchRoute, normalizeRequestPath, type ResolvedRoute } from './routeTable.js';

const route = (entry: string, remoteUrl: string): ResolvedRoute => ({ entry, remoteUrl, headers: [] });

const table = compileRouteTable([
  route('ns/root', 'https://api.example.com'),
  route('ns/mcp', 'https://api.example.com/mcp'),
  route('ns/mcp-deep', 'https://API.Example.com:443/mcp/v2/'),
  route('ns/plain', 'http://plain.example.com:8080/sse'),
  route('ns/default-http', 'http://plain.example.com:80/x'),
]);

describe('matchRoute', () => {
  it.each([
    ['/mcp', 'ns/mcp'],
    ['/mcp/', 'ns/mcp'],
    ['/mcp/tools', 'ns/mcp'],
    ['/mcp?session=1', 'ns/mcp'],
    ['/mcp/v2', 'ns/mcp-deep'],
    ['/mcp/v2/call', 'ns/mcp-deep'],
    ['/mcpx', 'ns/root'],
    ['/mcp/v2x', 'ns/mcp'],
    ['/', 'ns/root'],
  ])('https path %s goes to %s (longest prefix wins, on a segment boundary)', (path, entry) => {
    expect(matchRoute(table, 'https', 'api.example.com', 443, path)?.entry).toBe(entry);
  });

  it('compares hosts case-insensitively', () => {
    expect(matchRoute(table, 'https', 'Api.EXAMPLE.com', 443, '/mcp')?.entry).toBe('ns/mcp');
  });

  it('normalises default ports on both sides', () => {
    expect(matchRoute(table, 'http', 'plain.example.com', 80, '/x')?.entry).toBe('ns/default-http');
    expect(matchRoute(table, 'https', 'api.example.com', 8443, '/mcp')).toBeUndefined();
  });

  it('keeps scheme apart: http on a host routed for https gets nothing', () => {
    expect(matchRoute(table, 'http', 'api.example.com', 443, '/mcp')).toBeUndefined();
    expect(matchRoute(table, 'http', 'api.example.com', 80, '/mcp')).toBeUndefined();
  });

  it('does not match a routed host on another path', () => {
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/other')).toBeUndefined();
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/ssex')).toBeUndefined();
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/sse/stream')?.entry).toBe('ns/plain');
  });

  it('judges dot segments after resolving them', () => {
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/sse/../admin')).toBeUndefined();
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/other/../sse/x')?.entry).toBe('ns/plain');
    expect(matchRoute(table, 'http', 'plain.example.com', 8080, '/sse/%2e%2e/admin')).toBeUndefined();
  });

  it('says which origins have routes (MITM) and which do not (tunnel)', () => {
    expect(hasOrigin(table, 'https', 'api.example.com', 443)).toBe(true);
    expect(hasOrigin(table, 'https', 'other.example.com', 443)).toBe(false);
  });
});

describe('normalizeRequestPath', () => {
  it.each([
    ['', '/'],
    ['/a?b=/c', '/a'],
    ['/a/./b', '/a/b'],
    ['/a/b/..', '/a/'],
  ])('%s -> %s', (input, output) => expect(normalizeRequestPath(input)).toBe(output));
});
