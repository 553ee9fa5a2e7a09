// Pure route matching: (scheme, host, port, path) -> the route whose remoteUrl covers it, or none.
// Compiled once at start; the request path does one Map lookup and a short prefix scan.

export type Scheme = 'http' | 'https';

/** One header the sidecar adds; `secret` only decides how it is described in logs (never the value). */
export interface RouteHeader {
  name: string;
  lowerName: string;
  value: string;
  secret: boolean;
}

/** A header vMCP sends itself with a placeholder value (sealed mode): swapped for `value` on this route only. */
export interface SealedHeader {
  name: string;
  lowerName: string;
  placeholder: string;
  value: string;
}

/** A route as the sidecar runs it: secret values already resolved from the environment. */
export interface ResolvedRoute {
  entry: string;
  remoteUrl: string;
  headers: RouteHeader[];
  /** Absent or empty: nothing sealed on this route. */
  sealed?: SealedHeader[];
  caBundleFile?: string;
}

export interface CompiledRoute extends ResolvedRoute {
  origin: string;
  scheme: Scheme;
  host: string;
  port: number;
  /** Path prefix without a trailing slash; '' covers every path. */
  pathPrefix: string;
}

export interface RouteTable {
  /** origin key -> routes on that origin, longest prefix first. */
  readonly byOrigin: ReadonlyMap<string, readonly CompiledRoute[]>;
  readonly routes: readonly CompiledRoute[];
  /** origin key -> exact paths announced by SSE `endpoint` events of a route's stream (see sseEndpoint.ts). */
  readonly endpoints: Map<string, Map<string, CompiledRoute>>;
}

const DEFAULT_PORT: Record<Scheme, number> = { http: 80, https: 443 };

export function defaultPort(scheme: Scheme): number {
  return DEFAULT_PORT[scheme];
}

/** The URL as it may be logged: `user:password@` never leaves the process. */
export function withoutUserinfo(remoteUrl: string): string {
  if (!URL.canParse(remoteUrl)) return remoteUrl;
  const url = new URL(remoteUrl);
  if (url.username === '' && url.password === '') return remoteUrl;
  url.username = '';
  url.password = '';
  return url.toString();
}

/** `https://example.com:443`: scheme and host lowercased, port always explicit. */
export function originKey(scheme: Scheme, host: string, port: number): string {
  return `${scheme}://${host.toLowerCase()}:${port}`;
}

export function compileRoute(route: ResolvedRoute): CompiledRoute {
  const url = new URL(route.remoteUrl);
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') throw new Error(`remoteUrl ${route.remoteUrl} is not http(s)`);
  const port = url.port === '' ? DEFAULT_PORT[scheme] : Number(url.port);
  const host = url.hostname.toLowerCase();
  const pathPrefix = url.pathname.replace(/\/+$/, '');
  return { ...route, origin: originKey(scheme, host, port), scheme, host, port, pathPrefix };
}

export function compileRouteTable(routes: readonly ResolvedRoute[]): RouteTable {
  const compiled = routes.map(compileRoute);
  const byOrigin = new Map<string, CompiledRoute[]>();
  for (const route of compiled) {
    const list = byOrigin.get(route.origin) ?? [];
    list.push(route);
    byOrigin.set(route.origin, list);
  }
  for (const list of byOrigin.values()) list.sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  return { byOrigin, routes: compiled, endpoints: new Map() };
}

/** `/mcp` covers `/mcp`, `/mcp/` and `/mcp/x`, never `/mcpx`. */
export function pathUnderPrefix(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path.charCodeAt(prefix.length);
  return Number.isNaN(next) || next === 0x2f; /* / */
}

/** The request path without its query, with dot segments resolved so `/mcp/../admin` is judged as `/admin`. */
export function normalizeRequestPath(target: string): string {
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  const hash = path.indexOf('#');
  const bare = hash === -1 ? path : path.slice(0, hash);
  if (!/\/\.|%2e/i.test(bare)) return bare === '' ? '/' : bare;
  return new URL(bare, 'http://placeholder').pathname;
}

export function matchRoute(table: RouteTable, scheme: Scheme, host: string, port: number, path: string): CompiledRoute | undefined {
  const origin = originKey(scheme, host, port);
  const candidates = table.byOrigin.get(origin);
  if (candidates === undefined) return undefined;
  const normalized = normalizeRequestPath(path);
  for (const route of candidates) if (pathUnderPrefix(normalized, route.pathPrefix)) return route;
  return table.endpoints.get(origin)?.get(normalized);
}

/** Whether any route lives on this origin: decides MITM (yes) or blind tunnel (no) for CONNECT. */
export function hasOrigin(table: RouteTable, scheme: Scheme, host: string, port: number): boolean {
  return table.byOrigin.has(originKey(scheme, host, port));
}

export function routesOn(table: RouteTable, scheme: Scheme, host: string, port: number): readonly CompiledRoute[] {
  return table.byOrigin.get(originKey(scheme, host, port)) ?? [];
}
