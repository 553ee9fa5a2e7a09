import { request } from 'node:http';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type MetricsServer } from './metricsServer.js';

function get(url: string, options: { method?: string } = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics server (plain HTTP, --metrics-listen)', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const withCounter = (): Registry => {
    const registry = new Registry();
    new Counter({ name: 'mcp_header_forward_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    return registry;
  };

  it('serves the registry at /metrics in the Prometheus text format', async () => {
    const registry = withCounter();
    server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, registry);
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}`);
    const response = await get(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.type).toBe(registry.contentType);
    expect(response.body).toContain('mcp_header_forward_test_total 3');
  });

  it('serves nothing else: no probes, no admission paths, no writes', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, withCounter());
    for (const path of ['/healthz', '/readyz', '/validate', '/']) expect((await get(`${server.url}${path}`)).status).toBe(404);
    expect((await get(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('fails naming --metrics-listen when the port is taken', async () => {
    server = await startMetricsServer({ host: '127.0.0.1', port: 0 }, withCounter());
    await expect(startMetricsServer({ host: '127.0.0.1', port: server.address.port }, new Registry())).rejects.toThrow(
      `cannot serve metrics on --metrics-listen 127.0.0.1:${server.address.port}: listen EADDRINUSE`,
    );
  });
});
