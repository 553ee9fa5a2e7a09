import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';

// The upstreams listen on 127.0.0.1, but vMCP must reach them through the sidecar. Go's
// http.ProxyFromEnvironment never proxies `localhost`, loopback IPs or anything NO_PROXY matches (the
// injected NO_PROXY holds localhost, 127.0.0.1, ::1 — and `localhost` there also matches *.localhost).
// So the upstreams need a name that is not loopback-looking yet resolves to loopback for the sidecar,
// which resolves routed hosts itself. This machine's own hostname does, through /etc/hosts on most
// Linux hosts and containers: a real name, resolved by the system resolver, with no test-only hook.

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1';
}

export interface LoopbackName {
  name: string;
  /** The loopback address the name resolves to first: the upstreams listen there. */
  address: string;
}

/** This machine's hostname when every address it resolves to is loopback (the e2e needs that). */
export async function loopbackHostname(name: string = hostname()): Promise<LoopbackName> {
  const addresses = await lookup(name, { all: true }).catch((error: unknown) => {
    throw new Error(
      `the vMCP e2e names its upstreams after this machine's hostname "${name}", which does not resolve (${String(error)}); map it to 127.0.0.1 in /etc/hosts`,
    );
  });
  const outside = addresses.filter((a) => !isLoopback(a.address)).map((a) => a.address);
  if (outside.length > 0 || addresses.length === 0) {
    throw new Error(
      `the vMCP e2e names its upstreams after this machine's hostname "${name}", but it resolves to ${outside.join(', ') || 'nothing'}, not loopback; ` +
        `add "127.0.0.1 ${name}" to /etc/hosts (Debian maps the hostname to 127.0.1.1 by itself; Docker maps it to the container's IP)`,
    );
  }
  return { name, address: addresses[0]!.address };
}
