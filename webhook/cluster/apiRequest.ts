import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import { deadline } from './deadline.js';

// A plain authenticated request to the API server for the admission hot path (Secret GETs, SubjectAccessReviews). client-node 2.x
// re-reads credentials, builds a fresh undici Agent and runs its middleware chain for every call, and reports
// every non-2xx answer (404 included) as a thrown ApiException; here one pool and one set of headers are reused
// and the status code is returned as data. The deadline stays one cleared timer per call (deadline.ts): undici's
// headersTimeout/bodyTimeout run on its 0.5 s-tick fast timers and fire up to ~1 s late (measured: 100 ms fired
// at ~950 ms), while --secret-lookup-timeout promises to stay 1 s under the webhook's timeout. They remain set as
// a backstop.

export interface ApiAnswer {
  statusCode: number;
  body: string;
}

/**
 * GET `path` (e.g. /api/v1/namespaces/ns/secrets/name), or POST `body` as JSON to it; throws only when no answer
 * arrived (see isTimeout).
 */
export type ApiRequest = (path: string, body?: unknown) => Promise<ApiAnswer>;

export interface ApiRequestOptions {
  kubeConfig: KubeConfig;
  /** Bounds the wait for the answer's headers, and each gap in its body. */
  timeoutMs: number;
  /** How long one pool and its credentials are reused (picks up rotated client certs and tokens). */
  poolMaxAgeMs?: number;
}

/** Connections to the API server per webhook process (Secret GETs and SubjectAccessReviews share them). */
export const API_CONNECTIONS = 16;

/** Credentials are re-read at least this often even with a longer pool age (exec and token-file auth rotate). */
const MAX_CREDENTIALS_AGE_MS = 60_000;

interface Session {
  origin: string;
  basePath: string;
  headers: Record<string, string>;
  dispatcher: Agent;
}

/** Undefined when the kubeconfig needs what this client does not do (a proxy): callers then keep client-node. */
export function createApiRequest(options: ApiRequestOptions): ApiRequest | undefined {
  const cluster = options.kubeConfig.getCurrentCluster();
  if (cluster === null || cluster.proxyUrl !== undefined) return undefined;
  const maxAgeMs = Math.min(options.poolMaxAgeMs ?? 5 * 60_000, MAX_CREDENTIALS_AGE_MS);
  let session: Promise<Session> | undefined;
  let loadedAt = 0;
  const current = (): Promise<Session> => {
    if (session !== undefined && Date.now() - loadedAt <= maxAgeMs) return session;
    const previous = session;
    loadedAt = Date.now();
    session = openSession(options.kubeConfig, options.timeoutMs);
    // A failed load is retried by the next call rather than remembered.
    session.catch(() => (loadedAt = 0));
    // close() lets in-flight requests finish, then drops the idle connections.
    void previous?.then((old) => old.dispatcher.close()).catch(() => undefined);
    return session;
  };
  return async (path, body) => {
    const { origin, basePath, headers, dispatcher } = await current();
    const { signal, clear } = deadline(options.timeoutMs);
    const url = `${origin}${basePath}${path}`;
    try {
      const answer =
        body === undefined
          ? await request(url, { method: 'GET', headers, dispatcher, signal })
          : await request(url, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify(body),
              dispatcher,
              signal,
            });
      return { statusCode: answer.statusCode, body: await answer.body.text() };
    } catch (error: unknown) {
      throw signal.aborted ? new ApiTimeout(options.timeoutMs) : error;
    } finally {
      clear();
    }
  };
}

async function openSession(kubeConfig: KubeConfig, timeoutMs: number): Promise<Session> {
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('the kubeconfig has no current cluster');
  // The same TLS material and headers client-node would send (token, token file, exec, client certs, impersonation).
  const tls: RequestOptions & { headers?: Record<string, string> } = {};
  await kubeConfig.applyToHTTPSOptions(tls);
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [key, value] of Object.entries(tls.headers ?? {})) headers[key] = String(value);
  if (typeof tls.auth === 'string') headers.Authorization = `Basic ${Buffer.from(tls.auth).toString('base64')}`;
  const server = new URL(cluster.server);
  const dispatcher = new Agent({
    // A capped pool: a burst of reviews queues here instead of opening thousands of connections to the API server.
    connections: API_CONNECTIONS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: {
      ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
      ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
      ...(tls.key !== undefined ? { key: tls.key } : {}),
      ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
      // Only what the kubeconfig says (insecure-skip-tls-verify); never turned off here.
      ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
      keepAlive: true,
      keepAliveInitialDelay: 30_000,
    },
  });
  return { origin: server.origin, basePath: server.pathname.replace(/\/+$/, ''), headers, dispatcher };
}

class ApiTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer from the API server within ${timeoutMs} ms`);
  }
}

/** True when the call ran out of time (its deadline, or undici's backstop headersTimeout/bodyTimeout). */
export function isTimeout(error: unknown): boolean {
  if (error instanceof ApiTimeout) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}
