import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { registeredGauge } from './registeredMetrics.js';
import type { AddressInfo } from 'node:net';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { Registry, type Gauge } from 'prom-client';
import { createAdmissionMetrics } from './admission/metrics.js';
import type { TLSSocket } from 'node:tls';
import { mountAdmissionRoute, type OverloadControl } from './admission/handler.js';
import { createAdmissionGate, DEFAULT_MAX_IN_FLIGHT_REVIEWS, OVERLOAD_MAX_WAIT_MS } from './admission/overload.js';
import type { FailurePolicy } from './registrations/webhookConfigurations.js';
import { refusedClient, type ClientAuth } from './clientAuth.js';
import { jsonDeeperThan, MAX_JSON_DEPTH } from './admission/jsonDepth.js';
import type { AdmissionRoute } from './admission/route.js';
import { startCertReloader, type CertReloader } from './certReloader.js';
import { mountHealthRoutes, type ReadinessCheck } from './health.js';
import { readFile } from 'node:fs/promises';
import { readTlsFiles, TlsFilesError, type TlsFiles, type TlsMaterial } from './tlsFiles.js';

export const CERT_EXPIRY_METRIC = 'mcp_header_forward_webhook_cert_not_after_timestamp_seconds';
/** AdmissionReviews carry whole objects (a Pod with its spec); 3 MiB is the API server's own request cap. */
export const DEFAULT_BODY_LIMIT_BYTES = 3 * 1024 * 1024;
export const DEFAULT_TLS_RELOAD_INTERVAL_MS = 2_000;

export interface WebhookServerOptions {
  tls: TlsFiles;
  logger: Logger;
  /** Admission endpoints; each path at most once. */
  routes: readonly AdmissionRoute[];
  readiness?: readonly ReadinessCheck[];
  /** Where the review and cert-expiry metrics go (a fresh one when omitted); served by metricsServer.ts. */
  registry?: Registry;
  tlsReloadIntervalMs?: number;
  bodyLimitBytes?: number;
  /** Authenticate the API server by client certificate (webhook/clientAuth.ts); absent: any TLS client. */
  clientAuth?: { caFile: string; names: readonly string[] };
  /** Admission control (admission/overload.ts); defaults: DEFAULT_MAX_IN_FLIGHT_REVIEWS, failurePolicy Fail. */
  overload?: { maxInFlight?: number; failurePolicy?: FailurePolicy; maxWaitMs?: number };
}

export interface WebhookServer {
  app: FastifyInstance;
  registry: Registry;
  listen(address: { host: string; port: number }): Promise<AddressInfo>;
  /** Re-read the TLS files now (tests; the file watcher does this on change). */
  reloadTls(): Promise<boolean>;
  close(): Promise<void>;
}

/** The HTTPS admission server: TLS from files with hot reload, admission routes, /healthz /readyz. */
export async function createWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  assertUniquePaths(options.routes);
  const material = await readTlsFiles(options.tls);
  const clientAuth: ClientAuth | undefined = options.clientAuth && {
    caPem: await readClientCa(options.clientAuth.caFile),
    names: options.clientAuth.names,
  };
  // Asked, never required at the TLS layer: the kubelet's probes present no certificate; admission paths check it.
  const clientTls = clientAuth ? { ca: clientAuth.caPem, requestCert: true, rejectUnauthorized: false } : {};
  const registry = options.registry ?? new Registry();
  const certExpiry = certExpiryGauge(registry);
  certExpiry.set(material.notAfter.getTime() / 1000);

  const app = Fastify({
    https: { cert: material.cert, key: material.key, ...clientTls },
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Longer than the API server's idle timeout for webhook connections (Go's 90 s): if we closed first, a
    // POST racing the close would fail the admission instead of being retried.
    keepAliveTimeout: 120_000,
  });
  // Fastify's own JSON parser (prototype-poisoning checks), behind a nesting limit.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonDeeperThan(body as string, MAX_JSON_DEPTH)) {
      const error = new Error(`the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`) as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
      return;
    }
    void parseJson(request, body as string, done);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
    options.logger.warn({ path: request.url, status, code: error.code, error: error.message }, 'request failed');
    // Body parse errors (bad JSON, wrong content type, too large) are the caller's: say what and how.
    void reply.code(status).send({
      error: status < 500 ? `${error.message} (POST an admission.k8s.io/v1 AdmissionReview as application/json)` : 'internal error',
    });
  });

  const metrics = createAdmissionMetrics(registry);
  const refuse = clientAuth && ((socket: TLSSocket): string | undefined => refusedClient(socket, clientAuth));
  const overload: OverloadControl = {
    gate: createAdmissionGate(options.overload?.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT_REVIEWS),
    maxWaitMs: options.overload?.maxWaitMs ?? OVERLOAD_MAX_WAIT_MS,
    failurePolicy: options.overload?.failurePolicy ?? 'Fail',
  };
  for (const route of options.routes) {
    mountAdmissionRoute(app, route, { logger: options.logger, metrics, overload, ...(refuse ? { refuse } : {}) });
  }
  mountHealthRoutes(app, options.readiness ?? []);

  let reloader: CertReloader | undefined;
  const startReloader = (current: TlsMaterial): CertReloader =>
    startCertReloader({
      files: options.tls,
      server: app.server as HttpsServer,
      logger: options.logger,
      current,
      intervalMs: options.tlsReloadIntervalMs ?? DEFAULT_TLS_RELOAD_INTERVAL_MS,
      ...(clientAuth ? { clientCaPem: clientAuth.caPem } : {}),
      onLoaded: (next) => certExpiry.set(next.notAfter.getTime() / 1000),
    });

  return {
    app,
    registry,
    async listen({ host, port }) {
      await app.listen({ host, port });
      reloader = startReloader(material);
      return app.server.address() as AddressInfo;
    },
    async reloadTls() {
      return (reloader ?? (reloader = startReloader(material))).reload();
    },
    async close() {
      reloader?.stop();
      await app.close();
    },
  };
}

function assertUniquePaths(routes: readonly AdmissionRoute[]): void {
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.path)) throw new Error(`two admission routes share the path ${route.path}`);
    seen.add(route.path);
  }
}

function certExpiryGauge(registry: Registry): Gauge {
  return registeredGauge(registry, {
    name: CERT_EXPIRY_METRIC,
    help: 'notAfter of the serving certificate currently loaded, as a Unix timestamp (alert well before it).',
  });
}

async function readClientCa(file: string): Promise<string> {
  const pem = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new TlsFilesError(`cannot read --client-ca-file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new TlsFilesError(`--client-ca-file ${file} holds no PEM certificate`);
  return pem;
}
