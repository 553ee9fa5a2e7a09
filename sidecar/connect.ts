// CONNECT: routed hosts are intercepted (TLS terminated with a per-pod CA leaf, requests handed to the
// intercept server, headers added); every other host gets a blind TCP tunnel the sidecar cannot read.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { PodCa } from './podCa.js';
import type { ProxyContext } from './forward.js';
import { hasOrigin } from './routeTable.js';
import { parseConnectAuthority } from './target.js';
import { describeUpstreamError } from './upstreamErrors.js';

export interface ConnectContext extends ProxyContext {
  ca: PodCa;
  /** The proxy's own server: decrypted connections are handed to it, so its header and keep-alive timeouts apply. */
  proxyServer: Server;
  /** Which CONNECT target each intercepted TLS socket belongs to. */
  interceptTargets: WeakMap<object, { host: string; port: number }>;
  /** A tunnel that has not finished its TLS handshake by then is cut. */
  tlsHandshakeMs: number;
  /** At most this many intercepted tunnels at once; more are refused with 503. */
  maxIntercepted: number;
  intercepted: { count: number; lastWarnedAt: number };
  openTunnel(host: string, port: number): Promise<Socket>;
}

function reject(socket: Duplex, status: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export function handleConnect(ctx: ConnectContext, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', (error) => ctx.log.debug({ code: (error as NodeJS.ErrnoException).code }, 'client socket error'));
  if (ctx.interceptTargets.has(socket)) {
    ctx.metrics.requests.inc({ route: '(none)', outcome: 'bad_request' });
    reject(socket, '400 Bad Request', 'CONNECT inside an intercepted tunnel');
    return;
  }
  const target = parseConnectAuthority(req.url);
  if (target === undefined) {
    ctx.metrics.requests.inc({ route: '(none)', outcome: 'bad_request' });
    reject(socket, '400 Bad Request', 'CONNECT needs host:port');
    return;
  }
  if (hasOrigin(ctx.table, 'https', target.host, target.port)) intercept(ctx, target, socket, head);
  else tunnel(ctx, target, socket, head);
}

function intercept(ctx: ConnectContext, target: { host: string; port: number }, socket: Duplex, head: Buffer): void {
  if (ctx.intercepted.count >= ctx.maxIntercepted) {
    ctx.metrics.refusedConnections.inc({ reason: 'max_intercepted' });
    // A flood must not become a log flood: one line a minute, the metric counts every refusal.
    if (Date.now() - ctx.intercepted.lastWarnedAt > 60_000) {
      ctx.intercepted.lastWarnedAt = Date.now();
      ctx.log.warn(
        { host: target.host, limit: ctx.maxIntercepted },
        'refusing intercepted tunnels: at the limit (counted in mcp_header_forward_sidecar_refused_connections_total)',
      );
    }
    reject(
      socket,
      '503 Service Unavailable',
      `too many intercepted connections (limit ${ctx.maxIntercepted}, --max-intercepted-connections); retry later`,
    );
    return;
  }
  ctx.intercepted.count++;
  socket.once('close', () => ctx.intercepted.count--);
  ctx.ca.secureContextFor(target.host).then(
    (secureContext) => {
      if (socket.destroyed) return;
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) socket.unshift(head);
      const tls = new TLSSocket(socket as Socket, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
      tls.on('error', (error) =>
        ctx.log.debug({ host: target.host, code: (error as NodeJS.ErrnoException).code }, 'intercepted TLS error'),
      );
      // No ClientHello, or a handshake that never ends: cut. After it, the proxy server's own timeouts apply.
      tls.setTimeout(ctx.tlsHandshakeMs, () => tls.destroy());
      tls.once('secure', () => tls.setTimeout(0));
      ctx.metrics.openTunnels.inc({ kind: 'intercepted' });
      tls.once('close', () => ctx.metrics.openTunnels.dec({ kind: 'intercepted' }));
      ctx.interceptTargets.set(tls, target);
      ctx.proxyServer.emit('connection', tls);
    },
    (error: unknown) => {
      ctx.log.error({ host: target.host, err: (error as Error).message }, 'could not issue a leaf certificate');
      reject(socket, '502 Bad Gateway', 'could not issue a certificate for this host');
    },
  );
}

function tunnel(ctx: ConnectContext, target: { host: string; port: number }, socket: Duplex, head: Buffer): void {
  ctx.openTunnel(target.host, target.port).then(
    (upstream) => {
      if (socket.destroyed) {
        upstream.destroy();
        return;
      }
      ctx.log.debug({ host: target.host, port: target.port }, 'blind tunnel open');
      ctx.metrics.openTunnels.inc({ kind: 'blind' });
      upstream.once('close', () => ctx.metrics.openTunnels.dec({ kind: 'blind' }));
      upstream.on('error', () => socket.destroy());
      socket.once('close', () => upstream.destroy());
      upstream.once('close', () => socket.destroy());
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    },
    (error: unknown) => {
      const reason = describeUpstreamError(error);
      ctx.log.warn({ host: target.host, port: target.port, reason }, 'tunnel failed');
      reject(socket, '502 Bad Gateway', reason);
    },
  );
}
