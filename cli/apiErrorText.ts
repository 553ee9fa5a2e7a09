// One wording for a failed client-node call in the CLI's messages: the HTTP status when the API server answered
// (client-node's ApiException carries it as `code`); otherwise where the CLI tried to connect, what the transport
// said (undici hides it in `cause` behind "fetch failed") and what to check.

/** The API server answered (with an HTTP error): permissions or the request are the problem, not the connection. */
export function apiServerAnswered(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'number';
}

export function describeApiError(error: unknown, server?: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'number') return `the API server answered HTTP ${code}`;
  const cause = transportCause(error);
  const at = server === undefined ? 'the API server' : `the API server at ${server}`;
  return `cannot reach ${at}: ${cause.message}${hintFor(cause.code)}`;
}

export interface TransportCause {
  code?: string;
  message: string;
}

/**
 * The innermost error with a system or TLS code (fetch failed -> cause -> AggregateError.errors[0]), else the
 * innermost message (fetch's own refusals, e.g. "bad port", carry no code).
 */
export function transportCause(error: unknown): TransportCause {
  let current: unknown = error;
  let coded: TransportCause | undefined;
  let innermost: TransportCause = { message: error instanceof Error ? error.message : String(error) };
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') coded = { code, message: current.message || code };
    if (current.message !== '') innermost = { message: current.message };
    current = current instanceof AggregateError && current.errors.length > 0 ? current.errors[0] : current.cause;
  }
  return coded ?? innermost;
}

const HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^ECONNREFUSED$/,
    'nothing listens there: is the cluster running, and is the current context the one you mean (kubectl config current-context)?',
  ],
  [/^(ENOTFOUND|EAI_AGAIN)$/, "the name does not resolve: check the kubeconfig's server address and your DNS"],
  [
    /^(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|ENETUNREACH|EHOSTUNREACH)$/,
    'no answer: check the address, a VPN or a firewall between you and the cluster',
  ],
  [/^ECONNRESET$/, 'the connection was closed: is that address an API server (https)?'],
  [
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/,
    "the server's certificate does not verify against the kubeconfig's certificate-authority-data (TLS verification is never turned off)",
  ],
];

function hintFor(code: string | undefined): string {
  const hint = code === undefined ? undefined : HINTS.find(([pattern]) => pattern.test(code))?.[1];
  return hint === undefined ? '' : `; ${hint}`;
}
