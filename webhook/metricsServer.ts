import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { METRICS_PATH } from '../contract/sidecar.js';

// /metrics on a plain-HTTP port of its own (--metrics-listen), as Kyverno and cert-manager do: Prometheus scrapes
// it without the webhook's serving CA, and a NetworkPolicy can admit the scraper here while the admission port
// stays open to the API server only. It serves metrics and nothing else: no admission path, no request body read.

export interface MetricsServer {
  address: AddressInfo;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(listen: { host: string; port: number }, registry: Registry): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: this port serves ${METRICS_PATH} only\n`);
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n'),
      );
    }
  });
  await listenOn(server, listen);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    address,
    url: `http://${host}:${address.port}`,
    async close() {
      // Node closes idle keep-alive connections on close(); a scrape in flight finishes first.
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}

async function listenOn(server: Server, { host, port }: { host: string; port: number }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const shown = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    server.once('error', (error: Error) => reject(new Error(`cannot serve metrics on --metrics-listen ${shown}: ${error.message}`)));
    server.listen({ host, port }, resolve);
  });
}
