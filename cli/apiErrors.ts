// What went wrong talking to the API server: one classification for every command (report, check), in words,
// as a cause to pick a fix by, and the fix. client-node throws undici's bare `TypeError: fetch failed` for every
// transport problem and keeps the reason in `cause` (sometimes behind an AggregateError of addresses); an
// answered request throws an ApiException with the HTTP status as `code` and the Status in `body`.

export type TransportCause = 'refused' | 'dns' | 'timeout' | 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'http' | 'other';

export interface TransportProblem {
  cause: TransportCause;
  message: string;
  /** The HTTP status, when the API server answered. */
  code?: number;
}

const SEE_CONFIG = 'kubectl config view --minify shows the server and credentials in use';

/** What to do about each cause; commands with a more specific fix (check's /version read) override one. */
export const TRANSPORT_FIXES: Readonly<Record<TransportCause, string>> = {
  refused: `is the cluster running? Check the server address and port (${SEE_CONFIG}), or pass --kubeconfig`,
  dns: `check the server's host name (${SEE_CONFIG}) and this machine's DNS`,
  timeout: 'check that this machine can reach the server (VPN, firewall, proxy) and that the cluster is up',
  unreachable: `check this machine's network route to the server (VPN, firewall) (${SEE_CONFIG})`,
  tls: "the kubeconfig's certificate-authority-data does not match the API server's certificate (TLS verification is never turned off): fetch a fresh kubeconfig from your cluster provider",
  unauthorized: 'log in again or refresh the credentials of the kubeconfig user (an expired token or client certificate)',
  forbidden: 'ask a cluster admin for the permission named above (kubectl auth can-i shows what you may do)',
  http: `the API server is unhealthy: check its /readyz (kubectl get --raw='/readyz?verbose')`,
  other: `check the server address and credentials (${SEE_CONFIG})`,
};

const NETWORK: Readonly<Record<string, readonly [TransportCause, string]>> = {
  ECONNREFUSED: ['refused', 'connection refused: nothing listens at that address and port'],
  ENOTFOUND: ['dns', 'the host name does not resolve'],
  EAI_AGAIN: ['dns', 'the host name could not be resolved (DNS did not answer)'],
  ETIMEDOUT: ['timeout', 'the connection timed out'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'the connection timed out'],
  UND_ERR_HEADERS_TIMEOUT: ['timeout', 'the API server accepted the connection but did not answer'],
  EHOSTUNREACH: ['unreachable', 'no route to the host'],
  ENETUNREACH: ['unreachable', 'the network is unreachable'],
  ECONNRESET: ['other', 'the connection was reset (is that address an API server, over https?)'],
};

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The API server answered (with an HTTP error): permissions or the request are the problem, not the connection. */
export function apiServerAnswered(error: unknown): boolean {
  return typeof (error as { code?: unknown } | null)?.code === 'number';
}

export function describeTransportError(error: unknown): TransportProblem {
  const answer = error as { code?: unknown; body?: unknown } | null | undefined;
  if (typeof answer?.code === 'number') return answered(answer.code, answer.body);
  if (error instanceof Error && error.name === 'TimeoutError') return { cause: 'timeout', message: error.message };
  const cause = transportCause(error);
  if (cause.code !== undefined) return byCode(cause.code, cause.message);
  if (cause.message === 'bad port') {
    return { cause: 'other', message: 'the port is one HTTP clients refuse to use (a "bad port" of the Fetch standard, e.g. 1, 9, 25)' };
  }
  if (cause.message !== 'fetch failed') return { cause: 'other', message: cause.message };
  return { cause: 'other', message: `the request failed before the API server answered (${String(error)})` };
}

/**
 * One line for a failed call in a command's message: the answer when there was one; otherwise where it tried to
 * connect, what went wrong and what to check.
 */
export function describeApiError(error: unknown, server?: string): string {
  const problem = describeTransportError(error);
  if (problem.code !== undefined) return problem.message;
  const at = server === undefined ? 'the API server' : `the API server at ${server}`;
  return `cannot reach ${at}: ${problem.message}; ${TRANSPORT_FIXES[problem.cause]}`;
}

interface InnermostCause {
  code?: string;
  message: string;
}

/**
 * The innermost error with a system or TLS code (fetch failed -> cause -> AggregateError.errors[0]), else the
 * innermost message (fetch's own refusals, e.g. "bad port", carry no code).
 */
function transportCause(error: unknown): InnermostCause {
  let current: unknown = error;
  let coded: InnermostCause | undefined;
  let innermost: InnermostCause = { message: error instanceof Error ? error.message : String(error) };
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') coded = { code, message: current.message || code };
    if (current.message !== '') innermost = { message: current.message };
    current = current instanceof AggregateError && current.errors.length > 0 ? current.errors[0] : current.cause;
  }
  return coded ?? innermost;
}

/** The Status message of an ApiException's body, when it is JSON with one. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return body.trim() === '' ? undefined : body.trim().slice(0, 300);
  }
}

function answered(code: number, body: unknown): TransportProblem {
  const said = statusMessage(body);
  const message = `the API server answered HTTP ${code}${said === undefined ? '' : `: ${said}`}`;
  if (code === 401) return { cause: 'unauthorized', code, message: `${message} (the credentials were not accepted)` };
  if (code === 403) return { cause: 'forbidden', code, message };
  return { cause: 'http', code, message };
}

/** A transport error that names a code: refused, DNS, timeout, TLS and the like. */
function byCode(code: string, detail: string | undefined): TransportProblem {
  const network = NETWORK[code];
  if (network !== undefined) return { cause: network[0], message: `${network[1]} (${detail ?? code})` };
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return { cause: 'tls', message: `TLS: the API server's certificate is not accepted (${code}: ${detail ?? ''})` };
  }
  return { cause: 'other', message: `${detail ?? 'request failed'} (${code})` };
}
