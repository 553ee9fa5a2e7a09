// Forwarding one HTTP request upstream (plain absolute-form, or decrypted from an intercepted CONNECT):
// pick the route, add its headers, stream both bodies, count and time it. No buffering anywhere.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { endpointSniffer } from './endpointSniffer.js';
import { planRequestHeaders, responseHeaders } from './forwardHeaders.js';
import { UNROUTED, type Outcome, type SidecarMetrics } from './metrics.js';
import { matchRoute, originKey, type CompiledRoute, type RouteHeader, type RouteTable } from './routeTable.js';
import { learnEndpoint } from './sseEndpoint.js';
import type { Target } from './target.js';
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

export function sendError(res: ServerResponse, status: 400 | 502, reason: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status === 400 ? 'Bad Request' : 'Bad Gateway'}: ${reason}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-mcp-header-forward-error': reason });
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

export function forward(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, target: Target): void {
  const route = matchRoute(ctx.table, target.scheme, target.host, target.port, target.path);
  const routeLabel = route?.entry ?? UNROUTED;
  const plan = planRequestHeaders(req.rawHeaders, route?.headers ?? NO_HEADERS);
  const origin = route?.origin ?? originKey(target.scheme, target.host, target.port);
  const abort = new AbortController();
  let outcome: Outcome | undefined;
  const finish = (result: Outcome): void => {
    if (outcome !== undefined) return;
    outcome = result;
    ctx.metrics.requests.inc({ route: routeLabel, outcome: result });
  };
  ctx.metrics.openStreams.inc();
  ctx.inFlight.count++;
  res.once('close', () => {
    ctx.metrics.openStreams.dec();
    ctx.inFlight.count--;
    // The client went away before the response ended: stop the upstream request too.
    if (!res.writableFinished) {
      finish('client_aborted');
      abort.abort();
    }
  });
  if (ctx.log.isLevelEnabled('debug')) {
    const pathOnly = target.path.split('?', 1)[0];
    ctx.log.debug({ route: routeLabel, method: req.method, origin, path: pathOnly, added: plan.added, kept: plan.kept }, 'forwarding');
  }
  const started = performance.now();
  ctx.upstreams
    .dispatcherFor(origin)
    .stream(
      { origin, path: target.path, method: req.method as 'GET', headers: plan.headers, body: hasBody(req) ? req : null, signal: abort.signal },
      ({ statusCode, headers }) => {
        ctx.metrics.upstreamSeconds.observe({ route: routeLabel }, (performance.now() - started) / 1000);
        const outgoing = responseHeaders(headers);
        res.writeHead(statusCode, outgoing);
        // Streams must show their headers now, not with the first event.
        if (outgoing['content-length'] === undefined) res.flushHeaders();
        if (route !== undefined && req.method === 'GET' && isEventStream(outgoing['content-type'])) {
          return endpointSniffer(res, (endpoint) => onEndpoint(ctx, route, `${origin}${target.path}`, endpoint));
        }
        return res;
      },
    )
    .then(
      () => finish('forwarded'),
      (error: unknown) => {
        if (abort.signal.aborted) return finish('client_aborted');
        finish('upstream_error');
        const reason = describeUpstreamError(error);
        ctx.log.warn({ route: routeLabel, origin, reason }, 'upstream request failed');
        sendError(res, 502, reason);
      },
    );
}
