// The route config check the sidecar runs at start, without zod: the same rules as routeConfigSchema
// (contract/routes.ts, which the injector uses), written out by hand because zod costs the sidecar ~13 MB of
// resident memory for one parse at start (its ES modules, locales included, stay loaded; bench/sidecarModules.js).
// routeConfigCheck.test.ts runs both on the same inputs and requires the same verdict, output and issue paths.
import { isHeaderToken, isRestrictedHeader } from './headers.js';
import { ROUTE_CONFIG_VERSION } from './routeConfigVersion.js';
import type { RouteConfig } from './routes.js';

export interface ConfigIssue {
  path: (string | number)[];
  message: string;
}

export type RouteConfigCheck = { ok: true; config: RouteConfig } | { ok: false; issues: ConfigIssue[] };

type Path = (string | number)[];
type Json = Record<string, unknown>;

const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;
const ROUTE_KEYS = ['entry', 'remoteUrl', 'plaintextHeaders', 'secretHeaders', 'sealedHeaders', 'caBundleFile', 'allowedHosts'];
const PROXY_KEYS = ['http', 'https', 'noProxy'];

class Checker {
  readonly issues: ConfigIssue[] = [];

  fail(path: Path, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  object(value: unknown, path: Path, keys: readonly string[]): Json | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.fail(path, 'expected an object');
    const unknown = Object.keys(value).filter((k) => !keys.includes(k));
    if (unknown.length > 0) this.fail(path, `unrecognized key(s) ${unknown.map((k) => `"${k}"`).join(', ')}`);
    return value as Json;
  }

  string(value: unknown, path: Path): string | undefined {
    return typeof value === 'string' ? value : this.fail(path, 'expected a string');
  }

  optionalString(value: unknown, path: Path): string | undefined {
    return value === undefined ? undefined : this.string(value, path);
  }

  headerName(name: string, path: Path): boolean {
    const problems = [
      ...(name.length < 1 || name.length > 255 ? ['must be 1 to 255 characters'] : []),
      ...(isHeaderToken(name) ? [] : ['is not a valid HTTP header name (RFC 9110 token)']),
      ...(isRestrictedHeader(name) ? ['is a restricted header and cannot be forwarded'] : []),
    ];
    if (problems.length > 0) this.fail([...path, name], `header "${name}" ${problems.join(', ')}`);
    return problems.length === 0;
  }

  /** header name -> string value (checked by `valueOk`); a new object, as zod's record returns. */
  headerRecord(value: unknown, path: Path, valueOk: (v: string) => boolean, valueRule: string): Record<string, string> | undefined {
    const record = this.object(value, path, Object.keys(value ?? {}));
    if (record === undefined) return undefined;
    const out: Record<string, string> = {};
    let ok = true;
    for (const [name, v] of Object.entries(record)) {
      const nameOk = this.headerName(name, path);
      const text = this.string(v, [...path, name]);
      if (text !== undefined && !valueOk(text)) this.fail([...path, name], valueRule);
      if (nameOk && text !== undefined && valueOk(text)) out[name] = text;
      else ok = false;
    }
    return ok ? out : undefined;
  }

  hostLists(value: unknown, path: Path): Record<string, string[]> | undefined {
    const record = this.object(value, path, Object.keys(value ?? {}));
    if (record === undefined) return undefined;
    const out: Record<string, string[]> = {};
    for (const [name, hosts] of Object.entries(record)) {
      if (!Array.isArray(hosts)) {
        this.fail([...path, name], 'expected an array');
        continue;
      }
      const strings = hosts.map((h, i) => this.string(h, [...path, name, i]));
      if (strings.every((s) => s !== undefined)) out[name] = strings as string[];
    }
    return out;
  }

  /** As zod's `z.string().url()`: parseable once trimmed; the value kept is trimmed, tabs and newlines removed. */
  url(value: unknown, path: Path): string | undefined {
    const text = this.string(value, path);
    if (text === undefined) return undefined;
    const trimmed = text.trim();
    if (!URL.canParse(trimmed)) return this.fail(path, 'invalid URL');
    return trimmed.replace(/[\t\n\r]/g, '');
  }

  route(value: unknown, path: Path): RouteConfig['routes'][number] | undefined {
    const before = this.issues.length;
    const route = this.object(value, path, ROUTE_KEYS);
    if (route === undefined) return undefined;
    const entry = this.string(route.entry, [...path, 'entry']);
    if (entry !== undefined && entry.length < 1) this.fail([...path, 'entry'], 'must not be empty');
    const remoteUrl = this.url(route.remoteUrl, [...path, 'remoteUrl']);
    const envVar = (v: string): boolean => ENV_VAR_NAME.test(v);
    const envRule = 'must be an env var name ([A-Z_][A-Z0-9_]*)';
    const optional = <T>(v: unknown, check: (v: unknown) => T | undefined): T | undefined => (v === undefined ? undefined : check(v));
    // Defaults apply to an absent key only, as zod's .default({}): null is an error.
    const orEmpty = (v: unknown): unknown => (v === undefined ? {} : v);
    const plaintextHeaders = this.headerRecord(orEmpty(route.plaintextHeaders), [...path, 'plaintextHeaders'], () => true, '');
    const secretHeaders = this.headerRecord(orEmpty(route.secretHeaders), [...path, 'secretHeaders'], envVar, envRule);
    const sealedHeaders = optional(route.sealedHeaders, (v) => this.headerRecord(v, [...path, 'sealedHeaders'], envVar, envRule));
    const caBundleFile = this.optionalString(route.caBundleFile, [...path, 'caBundleFile']);
    const allowedHosts = optional(route.allowedHosts, (v) => this.hostLists(v, [...path, 'allowedHosts']));
    if (this.issues.length > before) return undefined;
    return {
      entry: entry!,
      remoteUrl: remoteUrl!,
      plaintextHeaders: plaintextHeaders!,
      secretHeaders: secretHeaders!,
      ...(sealedHeaders === undefined ? {} : { sealedHeaders }),
      ...(caBundleFile === undefined ? {} : { caBundleFile }),
      ...(allowedHosts === undefined ? {} : { allowedHosts }),
    };
  }

  upstreamProxy(value: unknown, path: Path): RouteConfig['upstreamProxy'] {
    const proxy = this.object(value, path, PROXY_KEYS);
    if (proxy === undefined) return undefined;
    const out: NonNullable<RouteConfig['upstreamProxy']> = {};
    for (const key of PROXY_KEYS as ('http' | 'https' | 'noProxy')[]) {
      const text = this.optionalString(proxy[key], [...path, key]);
      if (text !== undefined) out[key] = text;
    }
    return out;
  }
}

/** Checks parsed JSON against the route config rules; returns the config as routeConfigSchema.parse would. */
export function checkRouteConfig(json: unknown): RouteConfigCheck {
  const c = new Checker();
  const top = c.object(json, [], ['version', 'routes', 'upstreamProxy']);
  if (top === undefined) return { ok: false, issues: c.issues };
  if (top.version !== ROUTE_CONFIG_VERSION) c.fail(['version'], `expected ${ROUTE_CONFIG_VERSION}`);
  let routes: RouteConfig['routes'] = [];
  if (Array.isArray(top.routes)) routes = top.routes.map((r, i) => c.route(r, ['routes', i])!);
  else c.fail(['routes'], 'expected an array');
  const upstreamProxy = top.upstreamProxy === undefined ? undefined : c.upstreamProxy(top.upstreamProxy, ['upstreamProxy']);
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return { ok: true, config: { version: ROUTE_CONFIG_VERSION, routes, ...(upstreamProxy === undefined ? {} : { upstreamProxy }) } };
}
