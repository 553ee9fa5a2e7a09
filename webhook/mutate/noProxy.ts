import { noProxyMatches } from '../../contract/noProxy.js';

// The vmcp container's NO_PROXY (matched as Go reads it: contract/noProxy.ts), built complete, de-duplicated and
// sorted, and never able to match a host the sidecar must see.
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface NoProxyInput {
  /** What the container had (NO_PROXY and no_proxy together). */
  existing: readonly string[];
  /** Hosts of routed remoteUrls: nothing in the result may match them. */
  routedHosts: readonly string[];
  apiServerHosts: readonly string[];
  clusterDomain: string;
}

export interface NoProxyResult {
  value: string;
  /** Elements left out because they would hide a routed host from the sidecar. */
  dropped: string[];
}

export function buildNoProxy(input: NoProxyInput): NoProxyResult {
  const wanted = new Set<string>([
    ...input.existing.map((e) => e.toLowerCase()),
    ...LOOPBACK_HOSTS,
    ...input.apiServerHosts.map((h) => h.toLowerCase()),
    '.svc',
    `.${input.clusterDomain.toLowerCase()}`,
  ]);
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const element of wanted) {
    // Go never proxies loopback whatever NO_PROXY says, so keeping loopback cannot hide a route.
    const hides = !LOOPBACK_HOSTS.includes(element) && input.routedHosts.some((h) => noProxyMatches(element, h));
    (hides ? dropped : kept).push(element);
  }
  return { value: kept.sort().join(','), dropped: dropped.sort() };
}
