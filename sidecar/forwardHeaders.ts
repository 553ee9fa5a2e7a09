// Pure header rewriting for one forwarded request or response. Works on Node's flat rawHeaders
// ([name, value, name, value, ...]) so nothing is re-parsed on the hot path.
import { FORWARDING_HEADERS, HOP_BY_HOP_HEADERS } from '../contract/headers.js';
import { SEALED_PLACEHOLDER_PREFIX } from '../contract/sealing.js';
import type { RouteHeader, SealedHeader } from './routeTable.js';

const HOP_BY_HOP = new Set(HOP_BY_HOP_HEADERS);
const FORWARDING = new Set(FORWARDING_HEADERS);

export interface RequestHeaderPlan {
  /** Flat [name, value, ...] list for the upstream request. */
  headers: string[];
  /** Names of the route headers added (never values: these go to logs). */
  added: string[];
  /** Route headers the client already sent, kept as the client sent them (no clobber). */
  kept: string[];
  /** Sealed headers whose placeholder was swapped for the Secret's value (names only). */
  unsealed: string[];
  /** Headers carrying a sealed placeholder that stays as it is: not this route's, or not its exact placeholder. */
  placeholders: number;
}

const NO_SEALED: readonly SealedHeader[] = [];

function sealedFor(sealed: readonly SealedHeader[], lower: string, value: string): SealedHeader | undefined {
  for (const header of sealed) if (header.lowerName === lower && header.placeholder === value) return header;
  return undefined;
}

/** Names listed in `Connection: a, b` are hop-by-hop for this message too (RFC 9110 7.6.1). */
function connectionTokens(rawHeaders: readonly string[]): Set<string> | undefined {
  let tokens: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    tokens ??= new Set();
    for (const token of rawHeaders[i + 1]!.split(',')) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

/**
 * Headers to send upstream: hop-by-hop, proxy, Host (recomputed from the target) and Expect (answered by this
 * proxy already) dropped; route headers added unless the client sent them; a sealed header whose value is
 * exactly its placeholder gets the Secret's value (only the matched route's `sealed` are ever swapped).
 */
export function planRequestHeaders(
  rawHeaders: readonly string[],
  routeHeaders: readonly RouteHeader[],
  sealed: readonly SealedHeader[] = NO_SEALED,
  routed = false,
): RequestHeaderPlan {
  const dropped = connectionTokens(rawHeaders);
  const headers: string[] = [];
  const present = routeHeaders.length > 0 ? new Set<string>() : undefined;
  const unsealed: string[] = [];
  let placeholders = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower === 'host' || lower === 'expect' || dropped?.has(lower)) continue;
    // Next to a route's credentials, a client's claims about who or where the request came from are dropped.
    if (routed && FORWARDING.has(lower)) continue;
    present?.add(lower);
    let value = rawHeaders[i + 1]!;
    if (value.startsWith(SEALED_PLACEHOLDER_PREFIX)) {
      const swap = sealedFor(sealed, lower, value);
      if (swap === undefined) placeholders++;
      else {
        value = swap.value;
        unsealed.push(swap.name);
      }
    }
    headers.push(name, value);
  }
  const added: string[] = [];
  const kept: string[] = [];
  for (const header of routeHeaders) {
    if (present!.has(header.lowerName)) {
      kept.push(header.name);
      continue;
    }
    headers.push(header.name, header.value);
    added.push(header.name);
  }
  return { headers, added, kept, unsealed, placeholders };
}

/** Response headers back to the client without the upstream connection's hop-by-hop ones. */
export function responseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const dropped =
    typeof headers.connection === 'string' ? new Set(headers.connection.split(',').map((t) => t.trim().toLowerCase())) : undefined;
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || dropped?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
