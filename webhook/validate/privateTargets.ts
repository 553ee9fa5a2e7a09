import { BlockList, isIP } from 'node:net';

// Targets an MCPServerEntry may only point at with spec.allowPrivateEndpoint: private, loopback and
// link-local literal addresses and the obvious local names. No DNS at admission (slow, and the answer can change).

interface Range {
  network: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  label: string;
}

const RANGES: readonly Range[] = [
  { network: '0.0.0.0', prefix: 8, family: 'ipv4', label: 'the unspecified "this host" network (0.0.0.0/8)' },
  { network: '127.0.0.0', prefix: 8, family: 'ipv4', label: 'loopback (127.0.0.0/8)' },
  {
    network: '169.254.0.0',
    prefix: 16,
    family: 'ipv4',
    label: 'link-local (169.254.0.0/16, home of the cloud metadata endpoint 169.254.169.254)',
  },
  { network: '10.0.0.0', prefix: 8, family: 'ipv4', label: 'private (10.0.0.0/8)' },
  { network: '172.16.0.0', prefix: 12, family: 'ipv4', label: 'private (172.16.0.0/12)' },
  { network: '192.168.0.0', prefix: 16, family: 'ipv4', label: 'private (192.168.0.0/16)' },
  { network: '100.64.0.0', prefix: 10, family: 'ipv4', label: 'carrier-grade NAT shared space (100.64.0.0/10)' },
  { network: '::', prefix: 128, family: 'ipv6', label: 'the unspecified address (::)' },
  { network: '::1', prefix: 128, family: 'ipv6', label: 'loopback (::1)' },
  { network: 'fe80::', prefix: 10, family: 'ipv6', label: 'link-local (fe80::/10)' },
  { network: 'fc00::', prefix: 7, family: 'ipv6', label: 'unique local (fc00::/7)' },
  { network: 'fec0::', prefix: 10, family: 'ipv6', label: 'site-local (fec0::/10)' },
];

// One BlockList per range so the message can say which range matched. Node checks IPv4-mapped IPv6
// (::ffff:127.0.0.1) against IPv4 ranges, which is exactly what we want.
const LISTS = RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { list, label: range.label };
});

const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'metadata.google.internal']);

/** Why `hostname` (as WHATWG URL gives it: lowercase, IPv6 in brackets) is a private target, or undefined. */
export function privateTargetReason(hostname: string): string | undefined {
  const host = stripBrackets(hostname).replace(/\.$/, '').toLowerCase();
  const family = isIP(host);
  if (family === 0) {
    if (LOCAL_NAMES.has(host)) return `${host} is a local name`;
    if (host.endsWith('.localhost')) return `${host} is under .localhost, which always resolves to loopback (RFC 6761)`;
    return undefined;
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const match = LISTS.find(({ list }) => list.check(host, type));
  return match === undefined ? undefined : `${host} is ${match.label}`;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
