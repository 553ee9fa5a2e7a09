import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretWith, startFakeApiServer, type FakeApiServer } from '../../test/unit/webhook/fakeApiServer.js';
import { createApiRequest, isTimeout } from './apiRequest.js';

describe('plain API requests', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer();
  });
  afterAll(() => api.close());

  it('answers a GET with the status code and body, 404 included, without throwing', async () => {
    api.setSecret('ns', 'present', secretWith({ token: 'v' }));
    const request = createApiRequest({ kubeConfig: api.kubeConfig, timeoutMs: 2_000 })!;
    const found = await request('/api/v1/namespaces/ns/secrets/present');
    expect(found.statusCode).toBe(200);
    expect(JSON.parse(found.body)).toMatchObject({ kind: 'Secret', metadata: { name: 'present' } });
    expect((await request('/api/v1/namespaces/ns/secrets/absent')).statusCode).toBe(404);
  });

  it('throws a timeout it can recognise when no answer arrives in time', async () => {
    api.setSecret('ns', 'slow', { kind: 'slow', delayMs: 5_000 });
    const request = createApiRequest({ kubeConfig: api.kubeConfig, timeoutMs: 100 })!;
    const started = Date.now();
    const error = await request('/api/v1/namespaces/ns/secrets/slow').catch((e: unknown) => e);
    expect(isTimeout(error)).toBe(true);
    // Its own deadline, not undici's 0.5 s-tick fast timers.
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('leaves a kubeconfig with a proxy to client-node', () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', proxyUrl: 'http://127.0.0.1:3128', skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    expect(createApiRequest({ kubeConfig, timeoutMs: 1_000 })).toBeUndefined();
  });
});
