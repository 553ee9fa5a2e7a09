// The sidecar process: per-pod CA, proxy listener (plain forwarding + CONNECT), admin listener, shutdown.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, LookupFunction, Socket } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_INTERCEPTED } from '../contract/sidecar.js';
import { createAdminServer } from './admin.js';
import { loadOrCreatePodCa } from './caKeyStore.js';
import type { SidecarConfig } from './config.js';
import { handleConnect, type ConnectContext } from './connect.js';
import { forward, sendError } from './forward.js';
import type { ListenAddress } from './listen.js';
import { createSidecarMetrics, type SidecarMetrics } from './metrics.js';
import { createServer } from './nodeHttp.js';
import { PodCa } from './podCa.js';
import { compileRouteTable, withoutUserinfo } from './routeTable.js';
import { originFormTarget, parseAbsoluteTarget } from './target.js';
import { createUpstreams } from './upstream.js';
import { createUpstreamProxy, openTunnel } from './upstreamProxy.js';

export interface SidecarOptions {
  config: SidecarConfig;
  proxyListen: ListenAddress;
  adminListen: ListenAddress;
  caDir: string;
  /** Sidecar-only dir keeping the CA key + cert across restarts (caKeyStore.ts); absent: a new CA each start, key in memory only. */
  caKeyDir?: string;
  log: Logger;
  /** How long shutdown waits for in-flight requests (streams included) before cutting them. */
  shutdownGraceMs?: number;
  /** Name resolution for upstream connections (default: the system resolver); tests map test names to loopback. */
  lookup?: LookupFunction;
  /** Client-side timeouts (defaults below); tests shorten them. */
  timeouts?: Partial<ClientTimeouts>;
  /** Concurrent intercepted tunnels (default DEFAULT_MAX_INTERCEPTED) and client connections (DEFAULT_MAX_CONNECTIONS). */
  limits?: { intercepted?: number; connections?: number };
}

export interface ClientTimeouts {
  /** A request head must be complete this long after the connection (or the previous request) started. */
  headersMs: number;
  /** An intercepted tunnel must finish its TLS handshake within this. */
  tlsHandshakeMs: number;
  /** How often Node's HTTP server looks for connections over headersMs. */
  checkIntervalMs: number;
}

export interface Sidecar {
  proxyAddress: AddressInfo;
  adminAddress: AddressInfo;
  ca: PodCa;
  metrics: SidecarMetrics;
  close(): Promise<void>;
}

// Longer than Go's default IdleConnTimeout (90 s): the client, not the proxy, closes idle connections,
// so vmcp never sends a request on a connection the proxy is closing.
const CLIENT_KEEP_ALIVE_MS = 120_000;
export const DEFAULT_TIMEOUTS: ClientTimeouts = Object.freeze({ headersMs: 60_000, tlsHandshakeMs: 60_000, checkIntervalMs: 30_000 });

function listen(server: Server, address: ListenAddress): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startSidecar(options: SidecarOptions): Promise<Sidecar> {
  const { log } = options;
  const metrics = createSidecarMetrics();
  const table = compileRouteTable(options.config.routes);
  const upstreamProxy = options.config.upstreamProxy ? createUpstreamProxy(options.config.upstreamProxy) : undefined;
  const upstreams = await createUpstreams(table, upstreamProxy, options.lookup);
  let ready = false;
  const admin = createAdminServer(metrics, { ready: () => ready });
  const adminAddress = await listen(admin, options.adminListen);

  // Stored before the public copy is written and before serving: a restart finds the CA vmcp trusts.
  const ca = options.caKeyDir === undefined ? await PodCa.create() : await loadOrCreatePodCa({ keyDir: options.caKeyDir, log });
  await ca.writeTo(options.caDir);
  metrics.caExpiry.set(Math.floor(ca.notAfter.getTime() / 1000));

  const sockets = new Set<Socket>();
  const interceptTargets: ConnectContext['interceptTargets'] = new WeakMap();
  // One server for plain requests and for the decrypted ones of intercepted tunnels: the same parser limits and
  // timeouts (headers, keep-alive) for both.
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  // requestTimeout 0: a request body or an SSE stream may last as long as it needs.
  const serverOptions = {
    keepAliveTimeout: CLIENT_KEEP_ALIVE_MS,
    requestTimeout: 0,
    headersTimeout: timeouts.headersMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
  };
  const proxy = createServer(serverOptions, (req: IncomingMessage, res: ServerResponse) => {
    const intercepted = interceptTargets.get(req.socket);
    const target = intercepted === undefined ? parseAbsoluteTarget(req.url) : originFormTarget(intercepted, req.url);
    if (target === undefined) {
      metrics.requests.inc({ route: '(none)', outcome: 'bad_request' });
      const why =
        intercepted === undefined
          ? 'this is a forward proxy: send an absolute-form URL (http://host/path) or CONNECT'
          : 'expected an origin-form request inside the CONNECT tunnel';
      sendError(res, 400, why);
      return;
    }
    forward(ctx, req, res, target);
  });
  const ctx: ConnectContext = {
    table,
    upstreams,
    metrics,
    log,
    inFlight: { count: 0 },
    ca,
    proxyServer: proxy,
    interceptTargets,
    tlsHandshakeMs: timeouts.tlsHandshakeMs,
    maxIntercepted: options.limits?.intercepted ?? DEFAULT_MAX_INTERCEPTED,
    intercepted: { count: 0, lastWarnedAt: 0 },
    openTunnel: (host, port) => openTunnel(host, port, upstreamProxy?.proxyFor('https', host, port), options.lookup),
  };
  proxy.maxConnections = options.limits?.connections ?? DEFAULT_MAX_CONNECTIONS;
  let droppedWarnedAt = 0;
  proxy.on('drop', () => {
    metrics.refusedConnections.inc({ reason: 'max_connections' });
    if (Date.now() - droppedWarnedAt > 60_000) {
      droppedWarnedAt = Date.now();
      log.warn(
        { limit: proxy.maxConnections },
        'dropping client connections: at the connection limit (counted in mcp_header_forward_sidecar_refused_connections_total)',
      );
    }
  });
  proxy.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    log.debug({ code: error.code }, 'malformed client request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  proxy.on('connection', (socket: Socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => handleConnect(ctx, req, socket, head));

  const proxyAddress = await listen(proxy, options.proxyListen);
  ready = true;
  log.info(
    {
      proxy: `${proxyAddress.address}:${proxyAddress.port}`,
      admin: `${adminAddress.address}:${adminAddress.port}`,
      caDir: options.caDir,
      caKeyDir: options.caKeyDir,
      caSubjectHash: ca.subjectHash,
      routes: table.routes.map((r) => ({
        entry: r.entry,
        remoteUrl: withoutUserinfo(r.remoteUrl),
        headers: r.headers.map((h) => h.name),
        ...(r.sealed ? { sealed: r.sealed.map((h) => h.name) } : {}),
      })),
    },
    'sidecar ready',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      ready = false;
      const proxyClosed = closeServer(proxy);
      proxy.closeIdleConnections();
      const deadline = Date.now() + (options.shutdownGraceMs ?? 10_000);
      while (ctx.inFlight.count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (ctx.inFlight.count > 0) log.warn({ inFlight: ctx.inFlight.count }, 'shutdown grace elapsed; cutting remaining streams');
      for (const socket of sockets) socket.destroy();
      await proxyClosed;
      await upstreams.close();
      const adminClosed = closeServer(admin);
      admin.closeAllConnections();
      await adminClosed;
      log.info('sidecar stopped');
    })());
  return { proxyAddress, adminAddress, ca, metrics, close };
}
