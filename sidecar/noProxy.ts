// NO_PROXY matching with Go's semantics (golang.org/x/net/http/httpproxy), the rules the vmcp container's
// own proxy settings were written for: `*`, hosts (and their subdomains), `.domain` (subdomains only),
// optional `:port`, IP addresses and CIDR ranges. Pure.
import { BlockList, isIP } from 'node:net';

export interface NoProxyRule {
  matches(host: string, port: number): boolean;
}

interface DomainEntry {
  domain: string;
  subdomainsOnly: boolean;
  port?: number;
}

function splitPort(entry: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  if (withPort) return { host: withPort[1]!, port: Number(withPort[2]) };
  return { host: entry };
}

export function parseNoProxy(value: string | undefined): NoProxyRule {
  const entries = (value ?? '').split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  if (entries.includes('*')) return { matches: () => true };
  const cidrs = new BlockList();
  const ips: { ip: string; port?: number }[] = [];
  const domains: DomainEntry[] = [];
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    if (slash !== -1) {
      const address = entry.slice(0, slash);
      const family = isIP(address);
      if (family !== 0) cidrs.addSubnet(address, Number(entry.slice(slash + 1)), family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const { host, port } = splitPort(entry);
    if (isIP(host) !== 0) {
      ips.push({ ip: host, ...(port !== undefined ? { port } : {}) });
      continue;
    }
    const subdomainsOnly = host.startsWith('.');
    const domain = host.replace(/^\*?\./, '');
    domains.push({ domain, subdomainsOnly, ...(port !== undefined ? { port } : {}) });
  }
  return {
    matches(rawHost: string, port: number): boolean {
      const host = rawHost.toLowerCase().replace(/^\[|\]$/g, '');
      const family = isIP(host);
      if (family !== 0) {
        if (cidrs.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
        return ips.some((e) => e.ip === host && (e.port === undefined || e.port === port));
      }
      return domains.some((e) => {
        if (e.port !== undefined && e.port !== port) return false;
        if (host.endsWith(`.${e.domain}`)) return true;
        return !e.subdomainsOnly && host === e.domain;
      });
    },
  };
}
