import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { HEALTHZ_PATH, METRICS_PATH, READYZ_PATH } from '../contract/sidecar.js';

/** Something the webhook needs before it can answer correctly, e.g. the namespace informer's first list. */
export interface ReadinessCheck {
  name: string;
  ready(): boolean;
}

export function mountHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[], registry: Registry): void {
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

  app.get(METRICS_PATH, async (_request, reply) =>
    reply
      .code(200)
      .type(registry.contentType)
      .send(await registry.metrics()),
  );
}
