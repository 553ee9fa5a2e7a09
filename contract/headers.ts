// ToolHive's restricted header set (pkg/transport/middleware.RestrictedHeaders), canonical form.
// These may never be configured for forwarding: they steer routing, framing or identity.
export const RESTRICTED_HEADERS: readonly string[] = Object.freeze([
  'Host',
  'Connection',
  'Keep-Alive',
  'Te',
  'Trailer',
  'Upgrade',
  'Http2-Settings',
  'Proxy-Authorization',
  'Proxy-Authenticate',
  'Proxy-Connection',
  'Transfer-Encoding',
  'Content-Length',
  'Forwarded',
  'X-Forwarded-For',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Real-Ip',
]);

const restrictedLower = new Set(RESTRICTED_HEADERS.map((h) => h.toLowerCase()));

/** Go's http.CanonicalHeaderKey for token names: `x-api-key` -> `X-Api-Key`. */
export function canonicalHeaderName(name: string): string {
  if (!isHeaderToken(name)) return name;
  return name
    .toLowerCase()
    .split('-')
    .map((part) => (part.length === 0 ? part : part[0]!.toUpperCase() + part.slice(1)))
    .join('-');
}

export function isRestrictedHeader(name: string): boolean {
  return restrictedLower.has(name.toLowerCase());
}

// RFC 9110 section 5.6.2: token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isHeaderToken(name: string): boolean {
  return TOKEN.test(name);
}

/** Why a header value cannot be sent unchanged by both vMCP (Go net/http) and the sidecar (Node). */
export type HeaderValueProblem = 'CR' | 'LF' | 'NUL' | 'control' | 'non-ASCII';

/**
 * The one rule for a header value, used by validation (plaintext and Secret values), the injector, the sidecar at
 * start and the background scan: visible ASCII, space and tab only. CR, LF and NUL split or truncate the header; other
 * control characters (DEL included) are refused by Go and Node alike; a non-ASCII character is sent by Go as its
 * UTF-8 bytes but by Node as one Latin-1 byte (or refused), so the two would never send the same value.
 */
export function headerValueProblem(value: string | Uint8Array): HeaderValueProblem | undefined {
  let found: HeaderValueProblem | undefined;
  for (let i = 0; i < value.length; i++) {
    const code = typeof value === 'string' ? value.charCodeAt(i) : value[i]!;
    if (code === 0x09 || (code >= 0x20 && code <= 0x7e)) continue;
    // Report the worst: splitting characters first, whatever comes before them.
    if (code === 0x0d) return 'CR';
    if (code === 0x0a) return 'LF';
    if (code === 0x00) return 'NUL';
    found ??= code < 0x20 || code === 0x7f ? 'control' : 'non-ASCII';
  }
  return found;
}

/** `contains a CR character, which would split the HTTP header`, for messages. */
export function describeHeaderValueProblem(problem: HeaderValueProblem): string {
  switch (problem) {
    case 'CR':
    case 'LF':
      return `contains a ${problem} character, which would split the HTTP header`;
    case 'NUL':
      return 'contains a NUL character, which would truncate the HTTP header';
    case 'control':
      return 'contains a control character, which HTTP clients refuse to send';
    case 'non-ASCII':
      return 'contains a non-ASCII character, which vMCP and the sidecar would not send as the same bytes (header values are visible ASCII, space and tab)';
  }
}

// Names that suggest a credential: set in plaintext, the value sits readable in the CR.
const CREDENTIAL_NAME = /^(authorization|cookie)$|token|key|secret|password|passwd|credential|auth/i;

export function looksLikeCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** Headers that claim who or where a request came from (restricted for forwarding); dropped from routed requests. */
export const FORWARDING_HEADERS: readonly string[] = Object.freeze([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Hop-by-hop and proxy headers a forward proxy strips (RFC 9110 7.6.1 plus the de-facto proxy ones). */
export const HOP_BY_HOP_HEADERS: readonly string[] = Object.freeze([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
