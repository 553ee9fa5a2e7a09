import type { ClientRoute, PeerContext } from '../peers/peer.js';
import type { WrkTarget } from '../lib/wrkResult.js';
import type { Protocol } from '../report/model.js';

// The loadgen flags that send one protocol's traffic to the upstream directly or through one peer.

export const UPSTREAM_PATH = '/mcp';
/** The upstream echoes this when the forwarded header arrived: every proxied run must show it. */
export const SEEN_HEADER = 'X-Bench-Seen';

export function upstreamBase(ctx: PeerContext, protocol: Protocol): string {
  return protocol === 'http' ? `http://127.0.0.1:${ctx.upstreamHttpPort}` : `https://127.0.0.1:${ctx.upstreamHttpsPort}`;
}

/** `route` undefined means direct. */
export function clientArgs(ctx: PeerContext, protocol: Protocol, route: ClientRoute | undefined, path = UPSTREAM_PATH): string[] {
  if (!route) return ['-url', upstreamBase(ctx, protocol) + path, ...(protocol === 'https' ? ['-ca', ctx.upstreamCaFile] : [])];
  const args = ['-url', (route.baseUrl ?? upstreamBase(ctx, protocol)) + path, '-expect-header', SEEN_HEADER];
  if (route.proxy) args.push('-proxy', route.proxy);
  if (protocol === 'https') args.push('-ca', route.caFile ?? ctx.upstreamCaFile);
  return args;
}

/** How wrk reaches the upstream the way the Go client does: origin-form to a server, absolute-form to a forward proxy. */
export function wrkTarget(ctx: PeerContext, route: ClientRoute | undefined, path = UPSTREAM_PATH): WrkTarget {
  const upstream = upstreamBase(ctx, 'http') + path;
  if (!route) return { connectUrl: upstream };
  if (route.proxy) return { connectUrl: route.proxy, absoluteUrl: upstream };
  return { connectUrl: (route.baseUrl ?? upstreamBase(ctx, 'http')) + path };
}
