// The sidecar's hand-written check against the zod schema the injector uses: for every input, the same verdict,
// the same parsed config, and issues at the same places.
import { describe, expect, it } from 'vitest';
import { checkRouteConfig } from './routeConfigCheck.js';
import { routeConfigSchema } from './routes.js';

const route = {
  entry: 'tools/github',
  remoteUrl: 'https://api.githubcopilot.com/mcp/',
  plaintextHeaders: { 'X-MCP-Toolsets': 'repos' },
  secretHeaders: { Authorization: 'TOOLHIVE_SECRET_A' },
};
const config = (routes: unknown[], extra: Record<string, unknown> = {}): unknown => ({ version: 1, routes, ...extra });
const withRoute = (patch: Record<string, unknown>): unknown => config([{ ...route, ...patch }]);
const without = (key: keyof typeof route): unknown => {
  const { [key]: _dropped, ...rest } = route;
  return config([rest]);
};

const ACCEPTED: [string, unknown][] = [
  ['a route with both header kinds', config([route])],
  ['no routes', config([])],
  ['no plaintext headers (defaults to {})', without('plaintextHeaders')],
  ['no secret headers (defaults to {})', without('secretHeaders')],
  [
    'sealed headers, CA bundle, allowed hosts',
    withRoute({ sealedHeaders: { 'X-Key': 'S_1' }, caBundleFile: '/b.pem', allowedHosts: { A: ['x'] } }),
  ],
  ['a URL with spaces and a newline around and inside', withRoute({ remoteUrl: '  https://h.test/a\n/b \t' })],
  ['a non-http URL (the sidecar rejects it later, by scheme)', withRoute({ remoteUrl: 'ftp://h.test/' })],
  ['an upstream proxy', config([route], { upstreamProxy: { http: 'http://p:3128', noProxy: '.svc' } })],
  ['an empty upstream proxy', config([route], { upstreamProxy: {} })],
  ['two routes', config([route, { ...route, entry: 'tools/other', remoteUrl: 'http://o.test/' }])],
  ['an empty allowed-hosts list', withRoute({ allowedHosts: { A: [] } })],
  ['an empty header value', withRoute({ plaintextHeaders: { 'X-Empty': '' } })],
];

const REJECTED: [string, unknown][] = [
  ['null', null],
  ['an array', []],
  ['a string', 'routes'],
  ['version 2', { version: 2, routes: [] }],
  ['version "1"', { version: '1', routes: [] }],
  ['no version', { routes: [] }],
  ['no routes', { version: 1 }],
  ['routes not an array', { version: 1, routes: {} }],
  ['an unknown top-level key', config([], { extra: true })],
  ['a null route', config([null])],
  ['an array as route', config([[]])],
  ['an unknown route key', withRoute({ header: 'x' })],
  ['no entry', without('entry')],
  ['an empty entry', withRoute({ entry: '' })],
  ['a numeric entry', withRoute({ entry: 7 })],
  ['no remoteUrl', without('remoteUrl')],
  ['an unparseable remoteUrl', withRoute({ remoteUrl: 'not a url' })],
  ['a relative remoteUrl', withRoute({ remoteUrl: '/mcp' })],
  ['a numeric remoteUrl', withRoute({ remoteUrl: 1 })],
  ['a header name with a space', withRoute({ plaintextHeaders: { 'X Y': 'v' } })],
  ['a header name of 256 characters', withRoute({ plaintextHeaders: { ['X'.repeat(256)]: 'v' } })],
  ['an empty header name', withRoute({ plaintextHeaders: { '': 'v' } })],
  ['a restricted header', withRoute({ plaintextHeaders: { Host: 'h' } })],
  ['a restricted secret header', withRoute({ secretHeaders: { 'content-length': 'A' } })],
  ['a numeric header value', withRoute({ plaintextHeaders: { 'X-N': 1 } })],
  ['headers as an array', withRoute({ plaintextHeaders: ['X-A'] })],
  ['headers null', withRoute({ secretHeaders: null })],
  ['a lowercase env var name', withRoute({ secretHeaders: { 'X-A': 'lower' } })],
  ['an env var name starting with a digit', withRoute({ sealedHeaders: { 'X-A': '1A' } })],
  ['sealed headers null', withRoute({ sealedHeaders: null })],
  ['a numeric CA bundle file', withRoute({ caBundleFile: 5 })],
  ['allowed hosts not a list', withRoute({ allowedHosts: { A: 'x' } })],
  ['a numeric allowed host', withRoute({ allowedHosts: { A: ['x', 3] } })],
  ['a numeric proxy URL', config([route], { upstreamProxy: { http: 8080 } })],
  ['an unknown proxy key', config([route], { upstreamProxy: { ftp: 'x' } })],
  ['proxy null', config([route], { upstreamProxy: null })],
  [
    'two bad routes at once',
    config([
      { ...route, entry: '' },
      { ...route, remoteUrl: 'x' },
    ]),
  ],
];

const where = (path: PropertyKey[]): string => path.map(String).join('.');

describe('checkRouteConfig agrees with routeConfigSchema', () => {
  it.each(ACCEPTED)('accepts %s, with the same result', (_name, input) => {
    const zod = routeConfigSchema.safeParse(input);
    expect(zod.success).toBe(true);
    expect(checkRouteConfig(input)).toEqual({ ok: true, config: zod.data });
  });

  it.each(REJECTED)('rejects %s, at the same places', (_name, input) => {
    const zod = routeConfigSchema.safeParse(input);
    const ours = checkRouteConfig(input);
    expect(zod.success).toBe(false);
    expect(ours.ok).toBe(false);
    if (ours.ok || zod.success) return;
    const zodPlaces = [...new Set(zod.error.issues.map((i) => where(i.path)))].sort();
    expect([...new Set(ours.issues.map((i) => where(i.path)))].sort()).toEqual(zodPlaces);
  });
});
