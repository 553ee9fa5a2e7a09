import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { secretWith, startFakeApiServer, type FakeApiServer } from '../../test/unit/webhook/fakeApiServer.js';
import { createSecretGetter } from './secrets.js';

describe('Secret GETs', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer();
  });
  afterAll(() => api.close());

  it('returns facts about each key, annotations included, and no value', async () => {
    api.setSecret('ns', 's', secretWith({ token: 'value-123', empty: '' }, { 'mcp-header-forward.dev/allowed-hosts': 'api.example.com' }));
    const lookup = await createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 1_000 })('ns', 's');
    expect(lookup).toEqual({
      status: 'found',
      secret: {
        namespace: 'ns',
        name: 's',
        annotations: { 'mcp-header-forward.dev/allowed-hosts': 'api.example.com' },
        keys: { token: { empty: false, trailingNewline: false }, empty: { empty: true, trailingNewline: false } },
      },
    });
    expect(JSON.stringify(lookup)).not.toContain('value-123');
  });

  // Generous deadlines for the answers (a loaded CI box), a short one against the slow server.
  it.each([
    [{ kind: 'status', code: 404, message: 'secrets "s" not found' } as const, 5_000, { status: 'not-found' }],
    [
      { kind: 'status', code: 401, message: 'Unauthorized' } as const,
      5_000,
      { status: 'error', reason: 'the API server answered HTTP 401' },
    ],
    [
      { kind: 'status', code: 429, message: 'too many requests' } as const,
      5_000,
      { status: 'error', reason: 'the API server answered HTTP 429: too many requests' },
    ],
    [{ kind: 'slow', delayMs: 10_000 } as const, 100, { status: 'error', reason: 'no answer from the API server within 100 ms' }],
  ])('maps %j', async (behaviour, timeoutMs, expected) => {
    api.setSecret('ns', 'x', behaviour);
    expect(await createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs })('ns', 'x')).toEqual(expected);
  });

  it('says it cannot reach the API server when nothing listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: `https://127.0.0.1:${port}`, caData: api.kubeConfig.getCurrentCluster()!.caData }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    const lookup = await createSecretGetter({ kubeConfig, timeoutMs: 1_000 })('ns', 'x');
    expect(lookup).toMatchObject({ status: 'error', reason: expect.stringMatching(/^cannot reach the API server: .*ECONNREFUSED/) });
  });
});

describe('Secret GET connections', () => {
  it('reuses one keep-alive connection instead of a TLS handshake per GET', async () => {
    const api = await startFakeApiServer();
    try {
      api.setSecret('ns', 's', secretWith({ token: 'v' }));
      const getSecret = createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 1_000 });
      for (let i = 0; i < 20; i++) expect((await getSecret('ns', 's')).status).toBe('found');
      // undici may open a second one while the first is still finishing; never one per GET.
      expect(api.connections()).toBeLessThanOrEqual(2);
    } finally {
      await api.close();
    }
  });

  it('adopts a fresh pool once the old one is older than poolMaxAgeMs', async () => {
    const api = await startFakeApiServer();
    try {
      api.setSecret('ns', 's', secretWith({ token: 'v' }));
      const getSecret = createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 1_000, poolMaxAgeMs: -1 });
      for (let i = 0; i < 5; i++) await getSecret('ns', 's');
      expect(api.connections()).toBe(5);
    } finally {
      await api.close();
    }
  });
});
