import type { TLSSocket } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AdmissionMetrics } from './metrics.js';
import { parseAdmissionReview } from './review.js';
import type { AdmissionRoute } from './route.js';
import { toAdmissionReview, type AdmissionVerdict } from './response.js';

export interface HandlerDeps {
  logger: Logger;
  metrics: AdmissionMetrics;
  /** Why the caller may not post here (client authentication), or undefined. */
  refuse?: (socket: TLSSocket) => string | undefined;
}

/** Mount one AdmissionRoute: parse, review, answer. Never throws to fastify; a route error fails closed. */
export function mountAdmissionRoute(app: FastifyInstance, route: AdmissionRoute, deps: HandlerDeps): void {
  app.post(route.path, async (request, reply) => {
    const refused = deps.refuse?.(request.raw.socket as TLSSocket);
    if (refused !== undefined) {
      deps.logger.warn(
        { route: route.name, remote: request.ip, reason: refused },
        'refused an AdmissionReview from an unauthenticated client',
      );
      return reply.code(401).send({ error: refused });
    }
    const parsed = parseAdmissionReview(request.body);
    if (!parsed.ok) {
      deps.logger.warn({ route: route.name, error: parsed.error }, 'rejected malformed AdmissionReview');
      return reply.code(400).send({ error: parsed.error });
    }
    const admission = parsed.review.request;
    const logger = deps.logger.child({
      route: route.name,
      uid: admission.uid,
      kind: admission.kind.kind,
      namespace: admission.namespace,
      name: admission.name,
      operation: admission.operation,
    });
    const started = process.hrtime.bigint();
    const verdict = await reviewFailingClosed(route, admission, logger);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.observe(
      {
        route: route.name,
        operation: admission.operation,
        allowed: verdict.allowed,
        mode: verdict.mode,
        warnings: verdict.warnings?.length ?? 0,
      },
      seconds,
    );
    logger.info(
      { allowed: verdict.allowed, mode: verdict.mode, warnings: verdict.warnings?.length ?? 0, ms: Math.round(seconds * 1000) },
      'admission review',
    );
    return reply.code(200).send(toAdmissionReview(admission.uid, verdict));
  });
}

async function reviewFailingClosed(
  route: AdmissionRoute,
  admission: Parameters<AdmissionRoute['review']>[0],
  logger: Logger,
): Promise<AdmissionVerdict> {
  try {
    return await route.review(admission, { logger });
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error({ error: reason }, 'admission route failed; denying');
    return {
      allowed: false,
      code: 500,
      message: `mcp-header-forward could not review this request (${route.name}): ${reason}`,
      mode: 'error',
    };
  }
}
