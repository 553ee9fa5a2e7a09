// Upstream connection pools. One keep-alive undici Agent per distinct trust set: the default roots, or the
// default roots plus the CA bundles of the entries on an origin. TLS verification is never turned off.
// Each extra trust set is parsed into one SecureContext at start: passing `ca` instead would make every new
// upstream TLS connection re-add ~150 root certificates (measured as the top CPU hotspot under load).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { SidecarConfigError } from './config.js';
import type { RouteTable } from './routeTable.js';
import { Agent } from './undiciCore.js';
import type { UpstreamProxy } from './upstreamProxy.js';

export interface Upstreams {
  /** Dispatcher for an origin key (`https://host:443`); unrouted origins share the default pool. */
  dispatcherFor(origin: string): Dispatcher;
  close(): Promise<void>;
}

// Streams (SSE, long GETs) may sit idle for minutes: no body timeout, or the proxy would cut them.
const AGENT_OPTIONS = { keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 300_000 } as const;

async function readBundle(file: string, entry: string): Promise<string> {
  try {
    const pem = await readFile(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('holds no PEM certificate');
    return pem;
  } catch (error) {
    throw new SidecarConfigError(
      `caBundleFile ${file} of entry ${entry} cannot be used: ${(error as Error).message}; check the caBundleRef ConfigMap mount`,
    );
  }
}

export async function createUpstreams(table: RouteTable, proxy?: UpstreamProxy, lookup?: LookupFunction): Promise<Upstreams> {
  const makeAgent = (ca?: string[]): Dispatcher => {
    const tls = { secureContext: createSecureContext(ca === undefined ? {} : { ca }), ...(lookup === undefined ? {} : { lookup }) };
    return proxy === undefined ? new Agent({ ...AGENT_OPTIONS, connect: tls }) : proxy.dispatcher({ ...AGENT_OPTIONS }, tls);
  };
  const fallback = makeAgent();
  const byTrust = new Map<string, Dispatcher>();
  const byOrigin = new Map<string, Dispatcher>();
  for (const [origin, routes] of table.byOrigin) {
    const bundles = [
      ...new Set(await Promise.all(routes.filter((r) => r.caBundleFile).map((r) => readBundle(r.caBundleFile!, r.entry)))),
    ].sort();
    if (bundles.length === 0) {
      byOrigin.set(origin, fallback);
      continue;
    }
    const key = createHash('sha256').update(bundles.join('\0')).digest('hex');
    let agent = byTrust.get(key);
    if (agent === undefined) {
      agent = makeAgent([...rootCertificates, ...bundles]);
      byTrust.set(key, agent);
    }
    byOrigin.set(origin, agent);
  }
  return {
    dispatcherFor: (origin) => byOrigin.get(origin) ?? fallback,
    close: async () => {
      await Promise.all([fallback, ...byTrust.values()].map((d) => d.close()));
    },
  };
}
