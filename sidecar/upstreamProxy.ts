// Chaining to the proxy the vmcp container used before injection (config.upstreamProxy): requests and blind
// tunnels to hosts not excluded by its noProxy go through it, as vmcp's own traffic did.
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { Agent as AgentType, Dispatcher as DispatcherType } from 'undici';
import type { RouteConfig } from '../contract/routes.js';
import { parseNoProxy, type NoProxy } from '../contract/noProxy.js';
import { request as httpRequest } from './nodeHttp.js';
import { Agent, Dispatcher, ProxyAgent } from './undiciCore.js';

type Settings = NonNullable<RouteConfig['upstreamProxy']>;
type TlsOptions = { secureContext?: SecureContext; lookup?: LookupFunction };

export interface UpstreamProxy {
  /** A dispatcher sending each request direct or through the upstream proxy, by its origin. */
  dispatcher(agentOptions: AgentType.Options, tls: TlsOptions): DispatcherType;
  /** The proxy URL to CONNECT through for a blind tunnel to host:port, or undefined for direct. */
  proxyFor(scheme: 'http' | 'https', host: string, port: number): URL | undefined;
}

class SelectingDispatcher extends Dispatcher {
  constructor(
    private readonly pick: (origin: URL) => DispatcherType,
    private readonly all: DispatcherType[],
  ) {
    super();
  }
  override dispatch(options: DispatcherType.DispatchOptions, handler: DispatcherType.DispatchHandler): boolean {
    return this.pick(new URL(String(options.origin))).dispatch(options, handler);
  }
  override async close(): Promise<void> {
    await Promise.all(this.all.map((d) => d.close()));
  }
  override async destroy(): Promise<void> {
    await Promise.all(this.all.map((d) => d.destroy()));
  }
}

export function createUpstreamProxy(settings: Settings): UpstreamProxy {
  const noProxy: NoProxy = parseNoProxy(settings.noProxy);
  const urls = { http: settings.http ? new URL(settings.http) : undefined, https: settings.https ? new URL(settings.https) : undefined };
  const proxyFor = (scheme: 'http' | 'https', host: string, port: number): URL | undefined => {
    const url = urls[scheme];
    return url === undefined || !noProxy.useProxy(host, port) ? undefined : url;
  };
  return {
    proxyFor,
    dispatcher(agentOptions, tls) {
      const direct = new Agent({ ...agentOptions, connect: tls });
      // proxyTunnel: plain-http targets are sent as absolute-form requests, as Go's transport does.
      const through = (url: URL | undefined, tunnel: boolean): DispatcherType | undefined =>
        url && new ProxyAgent({ ...agentOptions, uri: url.href, requestTls: tls, proxyTunnel: tunnel });
      const viaHttp = through(urls.http, false);
      const viaHttps = through(urls.https, true);
      const pick = (origin: URL): DispatcherType => {
        const scheme = origin.protocol === 'https:' ? 'https' : 'http';
        const port = Number(origin.port) || (scheme === 'https' ? 443 : 80);
        const chosen = proxyFor(scheme, origin.hostname, port) ? (scheme === 'https' ? viaHttps : viaHttp) : undefined;
        return chosen ?? direct;
      };
      return new SelectingDispatcher(pick, [direct, ...(viaHttp ? [viaHttp] : []), ...(viaHttps ? [viaHttps] : [])]);
    },
  };
}

/** Opens a raw TCP path to host:port, through `proxy` with CONNECT when given. */
export function openTunnel(host: string, port: number, proxy: URL | undefined, lookup?: LookupFunction): Promise<Socket> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (proxy === undefined) {
    return new Promise((resolve, reject) => {
      const socket = netConnect({ host: bare, port, noDelay: true, ...(lookup ? { lookup } : {}) });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }
  return new Promise((resolve, reject) => {
    const authority = `${host}:${port}`;
    const auth = proxy.username
      ? {
          'Proxy-Authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
        }
      : undefined;
    const req = httpRequest({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: Number(proxy.port) || 80,
      ...(lookup ? { lookup } : {}),
      method: 'CONNECT',
      path: authority,
      headers: { Host: authority, ...auth },
    });
    req.once('connect', (res, socket, head) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`upstream proxy refused CONNECT with ${res.statusCode}`), { code: 'EPROXYCONNECT' }));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      socket.setNoDelay(true);
      resolve(socket);
    });
    req.once('error', reject);
    req.end();
  });
}
