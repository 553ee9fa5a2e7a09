import type { ManagedProcess } from '../lib/processes.js';

// What every scenario needs from a proxy under test, whichever proxy it is.

/** How the client reaches the upstream through this peer: a forward proxy URL, or a base URL to call instead. */
export interface ClientRoute {
  proxy?: string;
  baseUrl?: string;
  /** The CA the client must trust for https through this peer (its MITM CA). */
  caFile?: string;
}

export interface RunningPeer {
  name: string;
  process: ManagedProcess;
  http: ClientRoute;
  https?: ClientRoute;
}

/** The upstream every peer forwards to, and the header every peer must add. */
export interface PeerContext {
  dir: string;
  upstreamHttpPort: number;
  upstreamHttpsPort: number;
  upstreamCaFile: string;
  header: { name: string; value: string };
}
