// Short, secret-free reasons for upstream failures: built from error codes only, never from messages
// (a message could echo request details).
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/;

function codeOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !code.startsWith('UND_ERR_SOCKET')) return code;
  }
  return undefined;
}

export function describeUpstreamError(error: unknown): string {
  const code = codeOf(error);
  if (code === undefined) return 'upstream request failed';
  if (TLS_CODES.test(code)) return `upstream TLS verification failed (${code})`;
  switch (code) {
    case 'ECONNREFUSED':
      return 'upstream refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'upstream host not found';
    case 'ECONNRESET':
    case 'UND_ERR_CLOSED':
      return 'upstream closed the connection';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'upstream timed out';
    case 'EPROXYCONNECT':
      return 'upstream proxy refused the tunnel';
    default:
      return `upstream request failed (${code})`;
  }
}
