// Chaining to the vmcp container's original proxy (config.upstreamProxy) and graceful shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../../../contract/envNames.js';
import { serializeRouteConfig, type RouteConfig } from '../../../contract/routes.js';
import {
  createTestPki,
  curl,
  eventually,
  proxyRequest,
  runSidecar,
  startUpstream,
  tempDir,
  type RunningSidecar,
  type TestPki,
  type Upstream,
} from './harness.js';

const KEY_ENV = secretEnvVarName('chained', 'X-Api-Key');

describe('upstream proxy chaining', () => {
  let pki: TestPki;
  let plain: Upstream;
  let secure: Upstream;
  let corporate: RunningSidecar; // a sidecar without routes is a plain forward proxy: the "existing proxy"
  let sidecar: RunningSidecar;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const dir = await tempDir();
    remove = dir.remove;
    pki = await createTestPki(dir.path);
    [plain, secure] = await Promise.all([startUpstream(undefined), startUpstream(pki.serverCert)]);
    corporate = await runSidecar({ [ROUTES_ENV_VAR]: serializeRouteConfig({ version: 1, routes: [] }) });
    const config: RouteConfig = {
      version: 1,
      routes: [
        {
          entry: 'tools/plain',
          remoteUrl: `http://mcp.test:${plain.port}/mcp`,
          plaintextHeaders: {},
          secretHeaders: { 'X-Api-Key': KEY_ENV },
        },
        {
          entry: 'tools/secure',
          remoteUrl: `https://mcp.test:${secure.port}/mcp`,
          plaintextHeaders: {},
          secretHeaders: { 'X-Api-Key': KEY_ENV },
          caBundleFile: pki.caFile,
        },
        {
          entry: 'tools/direct',
          remoteUrl: `http://direct.test:${plain.port}/mcp`,
          plaintextHeaders: {},
          secretHeaders: { 'X-Api-Key': KEY_ENV },
        },
      ],
      upstreamProxy: { http: corporate.proxyUrl, https: corporate.proxyUrl, noProxy: 'direct.test,localhost' },
    };
    sidecar = await runSidecar({ [ROUTES_ENV_VAR]: serializeRouteConfig(config), [KEY_ENV]: 'chained-key' });
  }, 60_000);

  afterAll(async () => {
    await sidecar?.close();
    await corporate?.close();
    await Promise.all([plain?.close(), secure?.close()]);
    await remove?.();
  }, 30_000);

  const corporateSaw = (fragment: string): boolean => corporate.logs.some((line) => line.includes(fragment));

  it('sends plain HTTP through the upstream proxy, headers added by the sidecar', async () => {
    const response = await proxyRequest(sidecar.proxyUrl, `http://mcp.test:${plain.port}/mcp`);
    expect(response.status).toBe(200);
    expect(plain.seen.at(-1)!.headers['x-api-key']).toBe('chained-key');
    await eventually(() => corporateSaw(`"origin":"http://mcp.test:${plain.port}"`), 5_000, 'the upstream proxy to forward the request');
  });

  it('sends intercepted HTTPS through the upstream proxy (CONNECT), still verifying the upstream', async () => {
    const result = await curl(sidecar.proxyUrl, `https://mcp.test:${secure.port}/mcp`, ['--cacert', `${sidecar.caDir}/ca.crt`]);
    expect(result.status).toBe(200);
    expect(secure.seen.at(-1)!.headers['x-api-key']).toBe('chained-key');
    expect(corporateSaw(`"host":"mcp.test","port":${secure.port},"msg":"blind tunnel open"`)).toBe(true);
  });

  it('sends blind tunnels through the upstream proxy too', async () => {
    const result = await curl(sidecar.proxyUrl, `https://other.test:${secure.port}/x`, ['--cacert', pki.caFile]);
    expect(result.status).toBe(200);
    expect(corporateSaw(`"host":"other.test","port":${secure.port},"msg":"blind tunnel open"`)).toBe(true);
  });

  it('goes direct for hosts in noProxy', async () => {
    const response = await proxyRequest(sidecar.proxyUrl, `http://direct.test:${plain.port}/mcp`);
    expect(response.status).toBe(200);
    expect(plain.seen.at(-1)!.headers['x-api-key']).toBe('chained-key');
    expect(corporateSaw('direct.test')).toBe(false);
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, lets an in-flight stream finish, then closes', async () => {
    let finish = (): void => {};
    const upstream = await startUpstream(undefined, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      finish = () => res.end('data: two\n\n');
    });
    const sidecar = await runSidecar({ [ROUTES_ENV_VAR]: serializeRouteConfig({ version: 1, routes: [] }) }, { shutdownGraceMs: 10_000 });
    try {
      const inFlight = proxyRequest(sidecar.proxyUrl, `http://other.test:${upstream.port}/stream`);
      await eventually(() => upstream.seen.length === 1, 5_000, 'the stream to start');
      const closed = sidecar.close();
      await expect(proxyRequest(sidecar.proxyUrl, `http://other.test:${upstream.port}/late`)).rejects.toThrow(/ECONNREFUSED/);
      finish();
      const response = await inFlight;
      expect(response.body).toBe('data: one\n\ndata: two\n\n');
      await closed;
    } finally {
      await upstream.close();
    }
  });
});
