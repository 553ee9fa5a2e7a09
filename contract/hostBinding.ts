// Host binding: a Secret annotated `mcp-header-forward.dev/allowed-hosts: "api.example.com,*.example.org"` may
// only be sent to those hosts. One pure matcher, used by the validating webhook (at apply time), the injector
// (which copies the patterns into the route config) and the sidecar (which refuses to start on a mismatch).

/** A pattern is a host name (`api.example.com`) or a wildcard on a label boundary (`*.example.org`). */
export interface AllowedHosts {
  /** Valid patterns, lower-cased, trailing dot removed, in annotation order without duplicates. */
  patterns: string[];
  /** Entries that are not a host name or `*.` + host name (kept verbatim for the error message). */
  invalid: string[];
}

// RFC 1123 labels; IPv4 literals also fit this shape, which is fine: they match only themselves.
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** Parse the annotation value: comma-separated, spaces around entries and empty entries ignored. */
export function parseAllowedHosts(annotation: string): AllowedHosts {
  const patterns: string[] = [];
  const invalid: string[] = [];
  for (const raw of annotation.split(',')) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const pattern = normalizePattern(trimmed);
    if (pattern === undefined) invalid.push(trimmed);
    else if (!patterns.includes(pattern)) patterns.push(pattern);
  }
  return { patterns, invalid };
}

function normalizePattern(entry: string): string | undefined {
  const lower = stripTrailingDot(entry.toLowerCase());
  const host = lower.startsWith('*.') ? lower.slice(2) : lower;
  return HOST_NAME.test(host) ? lower : undefined;
}

/**
 * Does `host` (a URL's hostname) match `pattern`? Exact, case-insensitive; `*.example.org` matches any host
 * ending in `.example.org` (`a.example.org`, `a.b.example.org`), never `example.org` itself nor `badexample.org`.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const normalized = normalizePattern(pattern);
  if (normalized === undefined) return false;
  const target = stripTrailingDot(host.toLowerCase());
  if (!normalized.startsWith('*.')) return target === normalized;
  const suffix = normalized.slice(1); // ".example.org": the leading dot is the label boundary
  return target.length > suffix.length && target.endsWith(suffix);
}

export function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => hostMatches(host, pattern));
}

/** The host a remoteUrl sends to, as matched against patterns; undefined when it does not parse. */
export function remoteHost(remoteUrl: string): string | undefined {
  if (!URL.canParse(remoteUrl)) return undefined;
  const { hostname } = new URL(remoteUrl);
  return hostname === '' ? undefined : hostname;
}

function stripTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/**
 * The secret headers of a route whose allowed hosts (header -> patterns, as the injector writes them) do not
 * include the route's remoteUrl host, sorted. Headers without an entry in `allowedHosts` are unbound.
 */
export function unboundSecretHeaders(remoteUrl: string, allowedHosts: Readonly<Record<string, readonly string[]>>): string[] {
  const host = remoteHost(remoteUrl);
  return Object.entries(allowedHosts)
    .filter(([, patterns]) => host === undefined || !hostAllowed(host, patterns))
    .map(([header]) => header)
    .sort();
}
