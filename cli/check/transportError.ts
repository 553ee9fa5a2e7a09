import { transportCause } from '../apiErrorText.js';

// What went wrong talking to the API server, in words and as a cause `check` picks its fix by. client-node
// throws undici's bare `TypeError: fetch failed` for every transport problem and keeps the reason in `cause`
// (found by apiErrorText.ts's transportCause, shared with report); an answered request throws an ApiException
// with `code` and the Status in `body`.

export type TransportCause = 'refused' | 'dns' | 'timeout' | 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'http' | 'other';

export interface TransportProblem {
  cause: TransportCause;
  message: string;
  /** The HTTP status, when the API server answered. */
  code?: number;
}

const NETWORK: Record<string, [TransportCause, string]> = {
  ECONNREFUSED: ['refused', 'connection refused: nothing listens at that address and port'],
  ENOTFOUND: ['dns', 'the host name does not resolve'],
  EAI_AGAIN: ['dns', 'the host name could not be resolved (DNS did not answer)'],
  ETIMEDOUT: ['timeout', 'the connection timed out'],
  UND_ERR_CONNECT_TIMEOUT: ['timeout', 'the connection timed out'],
  UND_ERR_HEADERS_TIMEOUT: ['timeout', 'the API server accepted the connection but did not answer'],
  EHOSTUNREACH: ['unreachable', 'no route to the host'],
  ENETUNREACH: ['unreachable', 'the network is unreachable'],
  ECONNRESET: ['other', 'the connection was reset'],
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
