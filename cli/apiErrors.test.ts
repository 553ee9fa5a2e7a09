import { createServer } from 'node:net';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiServerAnswered, describeApiError, describeTransportError } from './apiErrors.js';

// The shapes client-node and undici really throw (see the comment in transportError.ts), built by hand.
const fetchFailed = (cause: unknown): Error => Object.assign(new TypeError('fetch failed'), { cause });
const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

describe('describeTransportError', () => {
  it('an answered request: the HTTP status and the Status message', () => {
    const answered = Object.assign(new Error('HTTP-Code: 503'), {
      code: 503,
      body: JSON.stringify({ kind: 'Status', message: 'etcd is down' }),
    });
    expect(describeTransportError(answered)).toEqual({
      cause: 'http',
      code: 503,
      message: 'the API server answered HTTP 503: etcd is down',
    });
  });

  it('401 says the credentials were not accepted; 403 is forbidden', () => {
    expect(describeTransportError({ code: 401, body: '' })).toEqual({
      cause: 'unauthorized',
      code: 401,
      message: 'the API server answered HTTP 401 (the credentials were not accepted)',
    });
    expect(describeTransportError({ code: 403, body: '{"message":"no"}' })).toMatchObject({ cause: 'forbidden', code: 403 });
  });

  it('connection refused, from the cause of "fetch failed" and from an AggregateError of attempts', () => {
    const refused = coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443');
    const expected = {
      cause: 'refused',
      message: 'connection refused: nothing listens at that address and port (connect ECONNREFUSED 127.0.0.1:6443)',
    };
    expect(describeTransportError(fetchFailed(refused))).toEqual(expected);
    expect(describeTransportError(fetchFailed(Object.assign(new AggregateError([refused], ''), { code: 'ECONNREFUSED' })))).toMatchObject({
      cause: 'refused',
    });
  });

  it('DNS, timeouts and routes each say what happened', () => {
    expect(describeTransportError(fetchFailed(coded('ENOTFOUND', 'getaddrinfo ENOTFOUND api.example')))).toEqual({
      cause: 'dns',
      message: 'the host name does not resolve (getaddrinfo ENOTFOUND api.example)',
    });
    expect(describeTransportError(fetchFailed(coded('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')))).toMatchObject({
      cause: 'timeout',
    });
    expect(describeTransportError(fetchFailed(coded('EHOSTUNREACH', 'x')))).toMatchObject({ cause: 'unreachable' });
  });

  it('a certificate the kubeconfig does not trust is a TLS problem, with the code', () => {
    const problem = describeTransportError(fetchFailed(coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')));
    expect(problem).toEqual({
      cause: 'tls',
      message:
        "TLS: the API server's certificate is not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate)",
    });
  });

  it('our own timeout keeps its words', () => {
    const timeout = Object.assign(new Error('no answer within 100 ms while reading /version (--request-timeout)'), {
      name: 'TimeoutError',
    });
    expect(describeTransportError(timeout)).toEqual({ cause: 'timeout', message: timeout.message });
  });

  it('never answers with a bare "fetch failed": undici\'s "bad port", or the innermost reason', () => {
    expect(describeTransportError(fetchFailed(new Error('bad port'))).message).toContain('"bad port" of the Fetch standard');
    expect(describeTransportError(fetchFailed(new Error('socket hang up')))).toEqual({ cause: 'other', message: 'socket hang up' });
    expect(describeTransportError(fetchFailed(undefined)).message).toBe(
      'the request failed before the API server answered (TypeError: fetch failed)',
    );
  });
});

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('describeApiError', () => {
  it('names the address and why for a refused connection, not "fetch failed"', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const error = await kubeConfigFor(server)
      .makeApiClient(CoreV1Api)
      .listNamespace()
      .catch((e: unknown) => e);
    expect(apiServerAnswered(error)).toBe(false);
    const text = describeApiError(error, server);
    expect(text).toMatch(
      new RegExp(
        `^cannot reach the API server at ${server}: connection refused: nothing listens at that address and port \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\); is the cluster running\\?`,
      ),
    );
    expect(text).not.toContain('fetch failed');
  });

  it('says the certificate does not verify when the server is not the one the kubeconfig trusts', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const error = new TypeError('fetch failed', { cause: tls });
    expect(describeApiError(error, 'https://10.0.0.1:6443')).toBe(
      "cannot reach the API server at https://10.0.0.1:6443: TLS: the API server's certificate is not accepted (DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate); the kubeconfig's certificate-authority-data does not match the API server's certificate (TLS verification is never turned off): fetch a fresh kubeconfig from your cluster provider",
    );
  });

  it('keeps the HTTP status when the API server answered', () => {
    const error = Object.assign(new Error('HTTP-Code: 403'), { code: 403 });
    expect(apiServerAnswered(error)).toBe(true);
    expect(describeApiError(error, 'https://x')).toBe('the API server answered HTTP 403');
    expect(describeApiError(Object.assign(error, { body: '{"message":"secrets is forbidden"}' }))).toBe(
      'the API server answered HTTP 403: secrets is forbidden',
    );
  });

  it('unwraps an AggregateError of several addresses', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6443'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause: new AggregateError([refused], '') });
    expect(describeApiError(error)).toMatch(
      /^cannot reach the API server: connection refused: nothing listens at that address and port \(connect ECONNREFUSED ::1:6443\); is the cluster running\?/,
    );
  });
});
