// NO_PROXY as vMCP reads it: Go's golang.org/x/net/http/httpproxy (config.init, useProxy), one implementation for
// the injector (which NO_PROXY elements would hide a routed host from the sidecar) and the sidecar (which hosts
// bypass a chained upstream proxy). Go's rules:
// - `*` matches everything; `a.b/n` is a CIDR; an IP (with optional `:port`, IPv6 in brackets) matches that IP;
// - `foo.com` matches foo.com and its subdomains; `.foo.com` and `*.foo.com` match subdomains only, never foo.com;
// - an element's `:port` restricts it to that port; names compare lower-case, IDNs as punycode;
// - localhost and loopback IPs never use a proxy, whatever NO_PROXY says.
import { domainToASCII } from 'node:url';
import { BlockList, isIP } from 'node:net';

interface Matchers {
  all: boolean;
  cidrs: BlockList;
  ips: { ip: string; port?: number }[];
  /** `.foo.com`; `matchHost`: foo.com itself too. */
  domains: { suffix: string; matchHost: boolean; port?: number }[];
}

export function splitNoProxy(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
}

/** Go's net.SplitHostPort for an element; undefined when it has no `:port`. */
function splitHostPort(element: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*):(\d+)$/.exec(element);
  if (match === null) return undefined;
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

function addSubnet(list: BlockList, element: string): boolean {
  const slash = element.indexOf('/');
  if (slash === -1) return false;
  const address = element.slice(0, slash);
  const prefix = Number(element.slice(slash + 1));
  const family = isIP(address);
  if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

function parse(value: string): Matchers {
  const matchers: Matchers = { all: false, cidrs: new BlockList(), ips: [], domains: [] };
  for (const element of splitNoProxy(value)) {
    if (element === '*') return { ...matchers, all: true };
    if (addSubnet(matchers.cidrs, element)) continue;
    const split = splitHostPort(element);
    if (split !== undefined && split.host === '') continue; // malformed: Go ignores it
    const host = split?.host ?? element;
    const port = split?.port;
    if (isIP(host) !== 0) {
      matchers.ips.push({ ip: host, ...(port !== undefined ? { port } : {}) });
      continue;
    }
    if (host === '') continue;
    let suffix = host.startsWith('*.') ? host.slice(1) : host;
    const matchHost = !suffix.startsWith('.');
    if (matchHost) suffix = `.${suffix}`;
    const ascii = domainToASCII(suffix.slice(1));
    if (ascii !== '') suffix = `.${ascii}`;
    matchers.domains.push({ suffix, matchHost, ...(port !== undefined ? { port } : {}) });
  }
  return matchers;
}

function sameIp(a: string, b: string): boolean {
  const list = new BlockList();
  list.addAddress(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');
  return list.check(b, isIP(b) === 6 ? 'ipv6' : 'ipv4');
}

function isLoopback(ip: string): boolean {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Whether `matchers` match host:port; `port` undefined matches elements of any port. */
function matches(m: Matchers, rawHost: string, port: number | undefined): boolean {
  if (m.all) return true;
  const host = rawHost.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const portOk = (wanted: number | undefined): boolean => wanted === undefined || port === undefined || wanted === port;
  const family = isIP(host);
  if (family !== 0) {
    if (m.cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
    return m.ips.some((e) => sameIp(e.ip, host) && portOk(e.port));
  }
  // Go compares the host as given (lower-cased), IP literals never against names.
  return m.domains.some((d) => (host.endsWith(d.suffix) || (d.matchHost && host === d.suffix.slice(1))) && portOk(d.port));
}

export interface NoProxy {
  /** Go's useProxy: false for localhost, loopback IPs and what NO_PROXY matches. */
  useProxy(host: string, port: number): boolean;
}

export function parseNoProxy(value: string | undefined): NoProxy {
  const m = parse(value ?? '');
  return {
    useProxy(host, port) {
      const bare = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
      if (bare === 'localhost' || (isIP(bare) !== 0 && isLoopback(bare))) return false;
      return !matches(m, bare, port);
    },
  };
}

// The injector asks about the same few elements (the cluster's NO_PROXY, loopback, .svc, ...) for every routed host
// of every pod: each distinct element is parsed once. Bounded, so odd values cannot grow it without limit.
const PARSED_ELEMENTS_MAX = 1024;
const parsedElements = new Map<string, Matchers>();

function parsedElement(element: string): Matchers {
  let parsed = parsedElements.get(element);
  if (parsed === undefined) {
    parsed = parse(element);
    if (parsedElements.size >= PARSED_ELEMENTS_MAX) parsedElements.clear();
    parsedElements.set(element, parsed);
  }
  return parsed;
}

/** Whether NO_PROXY element `element` would make Go bypass the proxy for `host`, on any port. */
export function noProxyMatches(element: string, host: string): boolean {
  return matches(parsedElement(element), host, undefined);
}
