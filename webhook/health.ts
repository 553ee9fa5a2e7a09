import type { FastifyInstance } from 'fastify';
import { HEALTHZ_PATH, READYZ_PATH } from '../contract/sidecar.js';

/** Something the webhook needs before it can answer correctly, e.g. the namespace informer's first list. */
export interface ReadinessCheck {
  name: string;
  ready(): boolean;
}

/** Probes on the admission port itself, so they prove the HTTPS server the API server calls (metrics: metricsServer.ts). */
export function mountHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  // Liveness: the process serves HTTPS. Nothing else, so a slow API server never gets us restarted.
  app.get(HEALTHZ_PATH, async (_request, reply) => reply.code(200).type('text/plain').send('ok\n'));

  app.get(READYZ_PATH, async (_request, reply) => {
    const waiting = checks.filter((check) => !check.ready()).map((check) => check.name);
    if (waiting.length === 0) return reply.code(200).type('text/plain').send('ok\n');
    return reply
      .code(503)
      .type('text/plain')
      .send(`not ready: waiting for ${waiting.join(', ')}\n`);
  });
}
