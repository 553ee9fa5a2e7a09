// Forwarding one HTTP request upstream (plain absolute-form, or decrypted from an intercepted CONNECT):
// pick the route, add its headers, stream both bodies, count and time it. No buffering anywhere.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { endpointSniffer } from './endpointSniffer.js';
import { planRequestHeaders, responseHeaders } from './forwardHeaders.js';
import { UNROUTED, type Outcome, type RouteMetrics, type SidecarMetrics } from './metrics.js';
import { canonicalTarget } from './requestTarget.js';
import {
  hasOrigin,
  matchRoute,
  normalizeRequestPath,
  originKey,
  pathUnderPrefix,
  type CompiledRoute,
  type RouteHeader,
  type RouteTable,
} from './routeTable.js';
import { learnEndpoint } from './sseEndpoint.js';
import type { Target } from './target.js';
import type { Dispatcher } from 'undici';
import type { Upstreams } from './upstream.js';
import { describeUpstreamError } from './upstreamErrors.js';

export interface ProxyContext {
  table: RouteTable;
  upstreams: Upstreams;
  metrics: SidecarMetrics;
  log: Logger;
  /** Requests being forwarded right now; shutdown waits for it to reach zero. */
  inFlight: { count: number };
}

const NO_HEADERS: readonly RouteHeader[] = [];

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const STATUS_TEXT = { 400: 'Bad Request', 405: 'Method Not Allowed', 502: 'Bad Gateway', 503: 'Service Unavailable' } as const;

export function sendError(res: ServerResponse, status: keyof typeof STATUS_TEXT, reason: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${STATUS_TEXT[status]}: ${reason}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-mcp-header-forward-error': reason,
  });
  res.end(body);
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  return typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream');
}

function onEndpoint(ctx: ProxyContext, route: CompiledRoute, streamUrl: string, endpoint: string): void {
  const path = learnEndpoint(ctx.table, route, streamUrl, endpoint);
  if (path === undefined) ctx.log.warn({ route: route.entry }, 'ignored an SSE endpoint event pointing to another origin');
  else ctx.log.debug({ route: route.entry, path }, 'learned the SSE message endpoint of the route');
}

/**
 * One request's upstream exchange, driven by undici's dispatch handler API directly: no per-request
 * AbortController, promise, AsyncResource or stream-finished watcher (undici's `stream()` adds all four).
 */
class ForwardHandler implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** Set for SSE responses of a route: sees each chunk before the client does. */
  private sniff: ((chunk: Buffer) => void) | undefined;
  /** The client closed before the response ended: the upstream request is (being) aborted. */
  clientGone = false;
  /** undici is done with this request (ended or failed): nothing left to abort. */
  private settled = false;
  private abortReason: Error | undefined;

  constructor(
    private readonly ctx: ProxyContext,
    private readonly exchange: Exchange,
    private readonly started: number,
  ) {}

  /** Stops the upstream request: the client went away, or its request body failed (reported as upstream_error). */
  abortUpstream(reason: Error, clientGone: boolean): void {
    this.clientGone ||= clientGone;
    this.abortReason ??= reason;
    if (!this.settled) this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason !== undefined) controller.abort(this.abortReason);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: the final response follows
    const { ctx, exchange } = this;
    const { req, res, route, routeMetrics, origin, target } = exchange;
    routeMetrics.upstreamSeconds.observe((performance.now() - this.started) / 1000);
    const outgoing = responseHeaders(headers);
    res.writeHead(statusCode, outgoing);
    // Streams must show their headers now, not with the first event.
    if (outgoing['content-length'] === undefined) res.flushHeaders();
    // Only the route's own stream (its path prefix), never a learned endpoint, may announce an endpoint.
    if (route !== undefined && exchange.onPrefix && req.method === 'GET' && isEventStream(outgoing['content-type'])) {
      this.sniff = endpointSniffer((endpoint) => onEndpoint(ctx, route, `${origin}${target.path}`, endpoint));
    }
    if (res.writableNeedDrain) this.pauseUntilDrained(controller);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.clientGone) return;
    this.sniff?.(chunk);
    if (!this.exchange.res.write(chunk)) this.pauseUntilDrained(controller);
  }

  /** Backpressure: the client reads slower than upstream sends. A listener only then, not on every response. */
  private pauseUntilDrained(controller: Dispatcher.DispatchController): void {
    controller.pause();
    this.exchange.res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.settled = true;
    // Counted as forwarded when the response closes after it was sent whole (see forward()).
    if (!this.clientGone) this.exchange.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.settled = true;
    const { exchange } = this;
    if (this.clientGone) return exchange.finish('client_aborted');
    exchange.finish('upstream_error');
    const reason = describeUpstreamError(error);
    this.ctx.log.warn({ route: exchange.routeLabel, origin: exchange.origin, reason }, 'upstream request failed');
    sendError(exchange.res, 502, reason);
  }
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  target: Target;
  route: CompiledRoute | undefined;
  /** The request matched the route by its path prefix (not through an endpoint learned from an SSE stream). */
  onPrefix: boolean;
  routeLabel: string;
  routeMetrics: RouteMetrics;
  origin: string;
  finish(result: Outcome): void;
}

/** Methods never forwarded to a route: TRACE echoes the request, Secret headers included, back to the client. */
const REFUSED_ON_ROUTES = new Set(['TRACE', 'TRACK']);

export function forward(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, requested: Target): void {
  const routedOrigin = hasOrigin(ctx.table, requested.scheme, requested.host, requested.port);
  const canonical = canonicalTarget(requested.path, routedOrigin);
  if ('error' in canonical) {
    ctx.metrics.requests.inc({ route: UNROUTED, outcome: 'bad_request' });
    sendError(res, 400, canonical.error);
    return;
  }
  const target = { ...requested, path: canonical.path };
  const route = matchRoute(ctx.table, target.scheme, target.host, target.port, target.path);
  const routeLabel = route?.entry ?? UNROUTED;
  const routeMetrics = ctx.metrics.forRoute(routeLabel);
  if (route !== undefined && REFUSED_ON_ROUTES.has(req.method ?? '')) {
    routeMetrics.requests.bad_request.inc();
    sendError(res, 405, `${req.method ?? ''} is not forwarded to a route (it would echo the route's headers)`);
    return;
  }
  const plan = planRequestHeaders(req.rawHeaders, route?.headers ?? NO_HEADERS, route?.sealed, route !== undefined);
  if (plan.unsealed.length > 0) ctx.metrics.sealedHeaders.inc({ route: routeLabel, outcome: 'unsealed' }, plan.unsealed.length);
  if (plan.placeholders > 0) ctx.metrics.sealedHeaders.inc({ route: routeLabel, outcome: 'passed_through' }, plan.placeholders);
  const origin = route?.origin ?? originKey(target.scheme, target.host, target.port);
  let outcome: Outcome | undefined;
  const exchange: Exchange = {
    req,
    res,
    target,
    route,
    onPrefix: route !== undefined && pathUnderPrefix(normalizeRequestPath(target.path), route.pathPrefix),
    routeLabel,
    routeMetrics,
    origin,
    finish(result) {
      if (outcome !== undefined) return;
      outcome = result;
      routeMetrics.requests[result].inc();
    },
  };
  const handler = new ForwardHandler(ctx, exchange, performance.now());
  ctx.metrics.openStreams.count++;
  ctx.inFlight.count++;
  // 'close' follows 'finish' when the response was sent whole; without 'finish' the client went away first.
  res.once('close', () => {
    ctx.metrics.openStreams.count--;
    ctx.inFlight.count--;
    if (res.writableFinished) return exchange.finish('forwarded');
    exchange.finish('client_aborted');
    // Stop the upstream request too.
    handler.abortUpstream(new Error('client closed the connection'), true);
  });
  if (ctx.log.isLevelEnabled('debug')) {
    const pathOnly = target.path.split('?', 1)[0];
    ctx.log.debug(
      { route: routeLabel, method: req.method, origin, path: pathOnly, added: plan.added, kept: plan.kept, unsealed: plan.unsealed },
      'forwarding',
    );
  }
  const body = hasBody(req) ? req : null;
  // undici's stream() listened for body errors from the start; undici core only once it writes the body.
  body?.once('error', (error) => handler.abortUpstream(error, false));
  ctx.upstreams
    .dispatcherFor(origin)
    .dispatch({ origin, path: target.path, method: req.method as Dispatcher.HttpMethod, headers: plan.headers, body }, handler);
}
