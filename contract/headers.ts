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

/** Characters a header value may not carry: CR, LF, NUL (request splitting / truncation). */
export function findForbiddenValueChar(value: string): 'CR' | 'LF' | 'NUL' | undefined {
  if (value.includes('\r')) return 'CR';
  if (value.includes('\n')) return 'LF';
  if (value.includes('\0')) return 'NUL';
  return undefined;
}

/** Any control character except horizontal tab (RFC 9110 field-value excludes CTLs but allows HTAB). */
export function hasControlChar(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000a-\u001f\u007f]/.test(value);
}

// Names that suggest a credential: set in plaintext, the value sits readable in the CR.
const CREDENTIAL_NAME = /^(authorization|cookie)$|token|key|secret|password|passwd|credential|auth/i;

export function looksLikeCredentialHeader(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** Headers that claim who or where a request came from (restricted for forwarding); dropped from routed requests. */
export const FORWARDING_HEADERS: readonly string[] = Object.freeze(['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

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
