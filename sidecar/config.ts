// Startup config: the route JSON and the secret env vars the injector wrote, checked by the same rules as the
// contract schema (contract/routeConfigCheck.ts: zod's rules without loading zod into the sidecar).
// Pure: takes the environment as data, returns resolved routes or one readable error line.
import { describeHeaderValueProblem, headerValueProblem } from '../contract/headers.js';
import { ROUTES_ENV_VAR } from '../contract/envNames.js';
import { remoteHost, unboundSecretHeaders } from '../contract/hostBinding.js';
import { checkRouteConfig, type ConfigIssue } from '../contract/routeConfigCheck.js';
import type { RouteConfig } from '../contract/routes.js';
import { sealedPlaceholder } from '../contract/sealing.js';
import { withoutUserinfo, type ResolvedRoute, type RouteHeader, type SealedHeader } from './routeTable.js';

export class SidecarConfigError extends Error {
  override readonly name = 'SidecarConfigError';
}

export interface SidecarConfig {
  routes: ResolvedRoute[];
  upstreamProxy?: RouteConfig['upstreamProxy'];
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadSidecarConfig(env: Env): SidecarConfig {
  const raw = env[ROUTES_ENV_VAR];
  if (raw === undefined || raw.trim() === '') {
    throw new SidecarConfigError(`${ROUTES_ENV_VAR} is not set; the injector writes it (JSON {"version":1,"routes":[...]})`);
  }
  const config = parseRouteConfig(raw);
  const routes = config.routes.map((route, index) => resolveRoute(route, `routes[${index}]`, env));
  rejectDuplicateRemoteUrls(config.routes);
  if (config.upstreamProxy) checkUpstreamProxy(config.upstreamProxy);
  return { routes, ...(config.upstreamProxy ? { upstreamProxy: config.upstreamProxy } : {}) };
}

export function parseRouteConfig(raw: string): RouteConfig {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new SidecarConfigError(`${ROUTES_ENV_VAR} is not valid JSON: ${(error as Error).message}`);
  }
  const checked = checkRouteConfig(json);
  if (!checked.ok) throw new SidecarConfigError(`${ROUTES_ENV_VAR}: ${checked.issues.map(describeIssue).join('; ')}`);
  return checked.config;
}

function describeIssue(issue: ConfigIssue): string {
  const where = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

function resolveRoute(route: RouteConfig['routes'][number], where: string, env: Env): ResolvedRoute {
  const url = new URL(route.remoteUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SidecarConfigError(`${ROUTES_ENV_VAR} ${where}.remoteUrl: "${withoutUserinfo(route.remoteUrl)}" must be http:// or https://`);
  }
  rejectUnboundSecrets(route, where);
  const headers: RouteHeader[] = [];
  const seen = new Set<string>();
  const add = (name: string, value: string, secret: boolean): void => {
    const lowerName = name.toLowerCase();
    if (seen.has(lowerName)) {
      throw new SidecarConfigError(
        `${ROUTES_ENV_VAR} ${where} (${route.entry}): header "${name}" is configured twice (names compare case-insensitively); keep one`,
      );
    }
    seen.add(lowerName);
    headers.push({ name, lowerName, value, secret });
  };
  for (const [name, value] of Object.entries(route.plaintextHeaders)) {
    const problem = headerValueProblem(value);
    if (problem !== undefined) {
      throw new SidecarConfigError(
        `${ROUTES_ENV_VAR} ${where}.plaintextHeaders.${name} (${route.entry}): the value ${describeHeaderValueProblem(problem)}; fix the entry`,
      );
    }
    add(name, value, false);
  }
  for (const [name, envVar] of Object.entries(route.secretHeaders))
    add(name, readSecret(env, envVar, `${where}.secretHeaders.${name} (${route.entry})`), true);
  const sealed: SealedHeader[] = [];
  for (const [name, envVar] of Object.entries(route.sealedHeaders ?? {})) {
    const lowerName = name.toLowerCase();
    if (seen.has(lowerName)) {
      throw new SidecarConfigError(`${ROUTES_ENV_VAR} ${where} (${route.entry}): header "${name}" is both added and sealed; keep one`);
    }
    seen.add(lowerName);
    sealed.push({
      name,
      lowerName,
      placeholder: sealedPlaceholder(envVar),
      value: readSecret(env, envVar, `${where}.sealedHeaders.${name} (${route.entry})`),
    });
  }
  return {
    entry: route.entry,
    remoteUrl: route.remoteUrl,
    headers,
    ...(sealed.length > 0 ? { sealed } : {}),
    ...(route.caBundleFile ? { caBundleFile: route.caBundleFile } : {}),
  };
}

// A Secret bound to hosts (allowed-hosts annotation) must never leave for another host, even if the config says so.
function rejectUnboundSecrets(route: RouteConfig['routes'][number], where: string): void {
  if (route.allowedHosts === undefined) return;
  const unbound = unboundSecretHeaders(route.remoteUrl, route.allowedHosts);
  if (unbound.length === 0) return;
  const detail = unbound.map((header) => `${header} may only go to ${route.allowedHosts![header]!.join(', ') || '(no host)'}`).join('; ');
  throw new SidecarConfigError(
    `${ROUTES_ENV_VAR} ${where} (${route.entry}): remoteUrl host ${remoteHost(route.remoteUrl) ?? '?'} is not allowed for its secret headers (${detail}); fix the Secret's allowed-hosts annotation or the entry's remoteUrl`,
  );
}

function readSecret(env: Env, envVar: string, where: string): string {
  const value = env[envVar];
  if (value === undefined) {
    throw new SidecarConfigError(
      `env var ${envVar} is not set (needed by ${ROUTES_ENV_VAR} ${where}); check the Secret reference the injector added`,
    );
  }
  if (value === '')
    throw new SidecarConfigError(`env var ${envVar} is empty (needed by ${ROUTES_ENV_VAR} ${where}); put a value in the Secret key`);
  const bad = headerValueProblem(value);
  if (bad !== undefined) {
    const hint = bad === 'LF' && value.endsWith('\n') ? ' (a trailing newline, as `echo` adds; use `echo -n` or `printf`)' : '';
    throw new SidecarConfigError(
      `env var ${envVar} ${describeHeaderValueProblem(bad)}${hint} (needed by ${ROUTES_ENV_VAR} ${where}); fix the Secret value`,
    );
  }
  return value;
}

// The chained proxy is reached with plain HTTP (absolute-form and CONNECT), as Go's transport does for http:// proxies.
function checkUpstreamProxy(proxy: NonNullable<RouteConfig['upstreamProxy']>): void {
  for (const key of ['http', 'https'] as const) {
    const value = proxy[key];
    if (value === undefined || value === '') continue;
    const url = URL.canParse(value) ? new URL(value) : undefined;
    if (url === undefined || url.protocol !== 'http:' || url.hostname === '') {
      throw new SidecarConfigError(
        `${ROUTES_ENV_VAR} upstreamProxy.${key}: "${url ? `${url.protocol}//${url.host}` : 'unparseable URL'}" is not supported; give an http://host:port proxy URL`,
      );
    }
  }
}

// Two entries on one remoteUrl would make "longest prefix wins" ambiguous: refuse rather than pick one silently.
function rejectDuplicateRemoteUrls(routes: RouteConfig['routes']): void {
  const byKey = new Map<string, string>();
  for (const route of routes) {
    const url = new URL(route.remoteUrl);
    const key = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
    const other = byKey.get(key);
    if (other !== undefined) {
      throw new SidecarConfigError(
        `${ROUTES_ENV_VAR}: entries ${other} and ${route.entry} share remoteUrl ${withoutUserinfo(route.remoteUrl)}; headers would be ambiguous, give one entry a distinct path`,
      );
    }
    byKey.set(key, route.entry);
  }
}
