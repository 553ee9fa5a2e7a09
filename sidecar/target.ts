// Pure parsing of where a proxy request goes: absolute-form request targets and CONNECT authorities.
import { defaultPort, type Scheme } from './routeTable.js';

export interface Target {
  scheme: Scheme;
  /** Lowercase; IPv6 in brackets. */
  host: string;
  port: number;
  /** Origin-form path with query, as sent upstream. */
  path: string;
}

/** `http://host[:port]/path?q` (what a client sends to a forward proxy) -> Target; undefined when malformed. */
export function parseAbsoluteTarget(requestTarget: string | undefined): Target | undefined {
  if (requestTarget === undefined || requestTarget.startsWith('/')) return undefined;
  let url: URL;
  try {
    url = new URL(requestTarget);
  } catch {
    return undefined;
  }
  const scheme = url.protocol === 'http:' ? 'http' : url.protocol === 'https:' ? 'https' : undefined;
  if (scheme === undefined || url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  return {
    scheme,
    host: url.hostname,
    port: url.port === '' ? defaultPort(scheme) : Number(url.port),
    path: `${url.pathname}${url.search}`,
  };
}

/** A request inside an intercepted tunnel: origin-form, to the tunnel's host and port over https. */
export function originFormTarget(tunnel: { host: string; port: number }, requestTarget: string | undefined): Target | undefined {
  if (requestTarget === undefined || !requestTarget.startsWith('/')) return undefined;
  return { scheme: 'https', host: tunnel.host, port: tunnel.port, path: requestTarget };
}

const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/** CONNECT's `host:port` -> host and port; undefined when malformed. */
export function parseConnectAuthority(authority: string | undefined): { host: string; port: number } | undefined {
  const match = authority === undefined ? null : AUTHORITY.exec(authority);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1]!.toLowerCase(), port };
}
