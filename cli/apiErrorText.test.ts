import { createServer } from 'node:net';
import { KubeConfig, CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { apiServerAnswered, describeApiError } from './apiErrorText.js';

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
      new RegExp(`^cannot reach the API server at ${server}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+; nothing listens there`),
    );
    expect(text).not.toContain('fetch failed');
  });

  it('says the certificate does not verify when the server is not the one the kubeconfig trusts', () => {
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const error = new TypeError('fetch failed', { cause: tls });
    expect(describeApiError(error, 'https://10.0.0.1:6443')).toBe(
      "cannot reach the API server at https://10.0.0.1:6443: self-signed certificate; the server's certificate does not verify against the kubeconfig's certificate-authority-data (TLS verification is never turned off)",
    );
  });

  it('keeps the HTTP status when the API server answered', () => {
    const error = Object.assign(new Error('HTTP-Code: 403'), { code: 403 });
    expect(apiServerAnswered(error)).toBe(true);
    expect(describeApiError(error, 'https://x')).toBe('the API server answered HTTP 403');
  });

  it('unwraps an AggregateError of several addresses', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6443'), { code: 'ECONNREFUSED' });
    const error = new TypeError('fetch failed', { cause: new AggregateError([refused], '') });
    expect(describeApiError(error)).toMatch(/^cannot reach the API server: connect ECONNREFUSED ::1:6443; nothing listens there/);
  });
});
