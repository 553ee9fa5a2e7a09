// MCP's SSE transport: the client GETs the remoteUrl (e.g. /sse) and the server's first event, `endpoint`,
// names where to POST messages (e.g. /messages?sessionId=...), usually outside the remoteUrl's path.
// ToolHive forwards an entry's headers on every request of that backend, so the sidecar learns the announced
// endpoint (same origin only) and treats it as part of the route. Pure helpers; the state lives in the table.
import type { CompiledRoute, RouteTable } from './routeTable.js';
import { normalizeRequestPath } from './routeTable.js';

/** How much of an SSE response is inspected for the endpoint event before giving up. */
export const SNIFF_LIMIT_BYTES = 8192;
/** Learned endpoints kept per route (servers that put the session in the path would grow this forever). */
export const MAX_ENDPOINTS_PER_ROUTE = 256;

/**
 * The data of the stream's first event if that event is `endpoint`; `undefined` while the first event is
 * incomplete; `null` when the first event is something else (stop looking).
 */
export function firstEndpointEvent(text: string): string | null | undefined {
  const normalized = text.replace(/\r\n?/g, '\n');
  const end = normalized.indexOf('\n\n');
  if (end === -1) return undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of normalized.slice(0, end).split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event !== 'endpoint' || data.length === 0) return null;
  return data.join('\n');
}

/** Registers the endpoint path for `route` when it resolves to the route's own origin; returns the path learned. */
export function learnEndpoint(table: RouteTable, route: CompiledRoute, streamUrl: string, endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint, streamUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(streamUrl).origin) return undefined;
  const path = normalizeRequestPath(url.pathname);
  let learned = table.endpoints.get(route.origin);
  if (learned === undefined) {
    learned = new Map();
    table.endpoints.set(route.origin, learned);
  }
  if (learned.get(path) === route) return path;
  const ofRoute = [...learned].filter(([, r]) => r === route);
  if (ofRoute.length >= MAX_ENDPOINTS_PER_ROUTE) learned.delete(ofRoute[0]![0]); // oldest first (insertion order)
  learned.set(path, route);
  return path;
}
