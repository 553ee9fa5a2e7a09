import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Logger } from 'pino';
import type { AdmissionMetrics } from './metrics.js';
import { parseAdmissionReview } from './review.js';
import type { AdmissionRoute } from './route.js';
import { toAdmissionReview, type AdmissionVerdict } from './response.js';
import { lazyChild } from './lazyLogger.js';
import type { FailurePolicy } from '../registrations/webhookConfigurations.js';
import { overloadedVerdict, type AdmissionGate, type OverloadCause } from './overload.js';

export interface HandlerDeps {
  logger: Logger;
  metrics: AdmissionMetrics;
  /** Why the caller may not post here (client authentication), or undefined. */
  refuse?: (socket: TLSSocket) => string | undefined;
  /** Admission control (overload.ts); absent: every review is run. */
  overload?: OverloadControl;
}

export interface OverloadControl {
  gate: AdmissionGate;
  /** A review whose turn comes later than this after its headers arrived is answered as overloaded. */
  maxWaitMs: number;
  /** How the /validate and /mutate registrations fail (a route registered with a fixed policy says its own). */
  failurePolicy: FailurePolicy;
}

/** When each request's headers arrived and whether it got a slot; by raw request, dropped with it. */
const arrivals = new WeakMap<IncomingMessage, { at: number; admitted: boolean }>();

/** Mount one AdmissionRoute: parse, review, answer. Never throws to fastify; a route error fails closed. */
export function mountAdmissionRoute(app: FastifyInstance, route: AdmissionRoute, deps: HandlerDeps): void {
  const control = deps.overload;
  const onRequest = control === undefined ? [] : [takeSlot(control.gate)];
  const policy = route.failurePolicy ?? control?.failurePolicy ?? 'Fail';
  const logShed = throttled(10_000);
  app.post(route.path, { onRequest }, async (request, reply) => {
    const refused = deps.refuse?.(request.raw.socket as TLSSocket);
    if (refused !== undefined) {
      deps.logger.warn(
        { route: route.name, remote: request.ip, reason: refused },
        'refused an AdmissionReview from an unauthenticated client',
      );
      return reply.code(401).send({ error: refused });
    }
    const cause = control === undefined ? undefined : overloaded(request, control);
    // Only the uid is read (the answer must echo it); a body without one gets the malformed-review answer below.
    const uid = cause === undefined ? undefined : uidOf(request.body);
    if (cause !== undefined && uid !== undefined) {
      deps.metrics.shed(route.name, cause.kind);
      logShed((skipped) =>
        deps.logger.warn(
          { route: route.name, cause, failurePolicy: policy, alsoSince: skipped },
          'overloaded: answering reviews without running them',
        ),
      );
      return reply.code(200).send(toAdmissionReview(uid, overloadedVerdict(route.name, policy, cause)));
    }
    const parsed = parseAdmissionReview(request.body);
    if (!parsed.ok) {
      deps.logger.warn({ route: route.name, error: parsed.error }, 'rejected malformed AdmissionReview');
      return reply.code(400).send({ error: parsed.error });
    }
    const admission = parsed.review.request;
    const logger = lazyChild(deps.logger, {
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

/** onRequest: a slot if one is free, given back when the answer is out (or the connection dropped). */
function takeSlot(gate: AdmissionGate): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (request, reply, done) => {
    const admitted = gate.tryEnter();
    arrivals.set(request.raw, { at: performance.now(), admitted });
    if (admitted) reply.raw.once('close', () => gate.leave());
    done();
  };
}

function overloaded(request: FastifyRequest, control: OverloadControl): OverloadCause | undefined {
  const arrival = arrivals.get(request.raw);
  if (arrival === undefined) return undefined;
  if (!arrival.admitted) return { kind: 'full', maxInFlight: control.gate.maxInFlight };
  const waitedMs = Math.round(performance.now() - arrival.at);
  return waitedMs > control.maxWaitMs ? { kind: 'late', waitedMs } : undefined;
}

function uidOf(body: unknown): string | undefined {
  const uid = (body as { request?: { uid?: unknown } } | null)?.request?.uid;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

/** Runs `log` at most once per `intervalMs`, telling it how many calls it skipped since. */
function throttled(intervalMs: number): (log: (skipped: number) => void) => void {
  let last = -Infinity;
  let skipped = 0;
  return (log) => {
    const now = performance.now();
    if (now - last < intervalMs) {
      skipped++;
      return;
    }
    log(skipped);
    last = now;
    skipped = 0;
  };
}
