// Admin server: liveness, readiness (proxy listening and CA written) and Prometheus metrics.
import type { Server } from 'node:http';
import { HEALTHZ_PATH, METRICS_PATH, READYZ_PATH } from '../contract/sidecar.js';
import type { SidecarMetrics } from './metrics.js';
import { createServer } from './nodeHttp.js';

export interface Readiness {
  ready(): boolean;
}

export function createAdminServer(metrics: SidecarMetrics, readiness: Readiness): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === HEALTHZ_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === READYZ_PATH) {
      const ready = readiness.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'not ready\n');
    } else if (path === METRICS_PATH) {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
}
