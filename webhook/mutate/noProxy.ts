import { BlockList, isIP } from 'node:net';

// NO_PROXY as Go's net/http reads it (golang.org/x/net/http/httpproxy): comma-separated hosts, `.domain`
// suffixes, `*.domain`, IPs, CIDRs, optional `:port`, `*` for everything. Built complete, de-duplicated and
// sorted, and never able to match a host the sidecar must see.
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export function splitNoProxy(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
}

/** Whether NO_PROXY element `element` would make Go bypass the proxy for `host` (on any port). */
export function noProxyMatches(element: string, host: string): boolean {
  const target = unbracket(host.toLowerCase());
  const pattern = stripPort(element.toLowerCase());
  if (pattern === '*') return true;
  if (pattern.includes('/')) return cidrContains(pattern, target);
  if (isIP(pattern) !== 0) return isIP(target) !== 0 && sameIp(pattern, target);
  if (isIP(target) !== 0) return false;
  const suffix = pattern.startsWith('*.') ? pattern.slice(1) : pattern;
  if (suffix.startsWith('.')) return target.endsWith(suffix);
  return target === suffix || target.endsWith(`.${suffix}`);
}

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

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function stripPort(element: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(element);
  if (bracketed) return bracketed[1]!;
  if (isIP(element) === 6 || element.includes('/')) return element;
  const hostPort = /^([^:]+):\d+$/.exec(element);
  return hostPort ? hostPort[1]! : element;
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  list.addAddress(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return list.check(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
}

function cidrContains(cidr: string, host: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  const prefix = Number(bits);
  if (family === 0 || !Number.isInteger(prefix) || isIP(host) === 0) return false;
  const list = new BlockList();
  list.addSubnet(network!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  return list.check(host, isIP(host) === 6 ? 'ipv6' : 'ipv4');
}
