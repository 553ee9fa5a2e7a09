import { isIPv4, isIPv6 } from 'node:net';
// Where the proxy may listen. Pure.
export interface ListenAddress {
  host: string;
  port: number;
}

/**
 * The proxy adds Secret headers to what it forwards: anyone who can reach it can use them. It listens on the
 * pod's loopback only (the vmcp container shares the network namespace); any other address is refused.
 */
export function requireLoopback(address: ListenAddress, flag: string): ListenAddress {
  if (!isLoopback(address.host)) {
    const shown = isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
    throw new Error(
      `${flag} ${shown} is not a loopback address: the proxy adds Secret headers to the requests it forwards, so anyone who could reach it could use them; listen on 127.0.0.1 (the vmcp container shares the pod's loopback)`,
    );
  }
  return address;
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127/8 in any spelling (the URL parser writes IPv6 canonically), localhost. */
function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  if (isIPv6(host)) {
    const canonical = new URL(`http://[${host}]/`).hostname;
    return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
  }
  return host.toLowerCase() === 'localhost';
}
