// The request path the sidecar routes on is the one it forwards: dot segments resolved once (RFC 3986 5.2.4, as
// the WHATWG URL parser does, `%2e` included), in both plain and intercepted mode. On an origin that has routes,
// paths an upstream could read differently from us are refused rather than guessed at: an encoded `/` or `\`
// (`%2f`, `%5c`), a literal `\`, a dot segment hidden behind `;` parameters (`..;/`, `%2e%2e;x`) and a fragment.

export type CanonicalTarget = { path: string } | { error: string };

const ENCODED_SEPARATOR = /%2f|%5c/i;

function isHiddenDotSegment(segment: string): boolean {
  const semicolon = segment.indexOf(';');
  if (semicolon === -1) return false;
  const bare = segment.slice(0, semicolon).replace(/%2e/gi, '.');
  return bare === '.' || bare === '..';
}

/** Whether an upstream that decodes or splits differently than we do could see another path. */
export function ambiguity(rawPath: string): string | undefined {
  if (rawPath.includes('#')) return 'a fragment (#) in the request target';
  if (ENCODED_SEPARATOR.test(rawPath)) return 'an encoded / or \\ (%2f, %5c) in the path';
  if (rawPath.includes('\\')) return 'a backslash in the path';
  if (rawPath.split('/').some(isHiddenDotSegment)) return 'a dot segment with ;parameters (..;) in the path';
  return undefined;
}

/**
 * An origin-form request target (`/path?query`) as it is routed and forwarded: dot segments resolved. With
 * `strict` (the origin has routes), ambiguous targets are an error.
 */
export function canonicalTarget(target: string, strict: boolean): CanonicalTarget {
  if (!target.startsWith('/')) return { error: 'expected an origin-form request target (/path)' };
  const query = target.indexOf('?');
  const rawPath = query === -1 ? target : target.slice(0, query);
  if (strict) {
    const problem = ambiguity(rawPath);
    if (problem !== undefined) return { error: `refused: ${problem} could reach another path upstream` };
  }
  if (!/\/\.|%2e/i.test(rawPath)) return { path: target };
  const url = new URL(target, 'http://placeholder');
  return { path: `${url.pathname}${url.search}` };
}
