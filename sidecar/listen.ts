// `host:port` flags -> listen options. Pure.
export interface ListenAddress {
  host: string;
  port: number;
}

export function parseListenAddress(value: string, flag: string): ListenAddress {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new Error(`${flag} "${value}" is not host:port (e.g. 127.0.0.1:15080; port 0 picks a free one)`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * The proxy adds Secret headers to what it forwards: anyone who can reach it can use them. It listens on the
 * pod's loopback only (the vmcp container shares the network namespace); any other address is refused.
 */
export function requireLoopback(address: ListenAddress, flag: string): ListenAddress {
  const host = address.host.toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) {
    throw new Error(
      `${flag} ${address.host}:${address.port} is not a loopback address: the proxy adds Secret headers to the requests it forwards, so anyone who could reach it could use them; listen on 127.0.0.1 (the vmcp container shares the pod's loopback)`,
    );
  }
  return address;
}
