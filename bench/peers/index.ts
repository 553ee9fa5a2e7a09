import { access } from 'node:fs/promises';
import type { PeerAvailability } from '../lib/install.js';
import { CLI_ENTRY } from '../paths.js';
import type { Skip } from '../report/model.js';
import { startMitmproxy } from './mitmproxy.js';
import { startNginx } from './nginx.js';
import type { PeerContext, RunningPeer } from './peer.js';
import { startOurSidecar } from './sidecar.js';
import { startSquid } from './squid.js';

const STARTERS: Record<string, (ctx: PeerContext) => Promise<RunningPeer>> = {
  nginx: startNginx,
  squid: startSquid,
  mitmproxy: startMitmproxy,
};

/** Starts ours and every available peer; one that cannot start becomes a skip line, not a failed bench. */
export async function startPeers(
  ctx: PeerContext,
  available: readonly PeerAvailability[],
  log: (line: string) => void,
): Promise<{ peers: RunningPeer[]; skips: Skip[] }> {
  const peers: RunningPeer[] = [];
  const skips: Skip[] = [];
  const attempt = async (name: string, start: () => Promise<RunningPeer>): Promise<void> => {
    try {
      peers.push(await start());
      log(`${name} started`);
    } catch (error) {
      skips.push({ part: name, reason: `could not start: ${(error as Error).message.split('\n')[0] ?? ''}` });
      log(`${name} could not start: ${(error as Error).message}`);
    }
  };
  if (
    await access(CLI_ENTRY).then(
      () => true,
      () => false,
    )
  )
    await attempt('sidecar', () => startOurSidecar(ctx));
  else skips.push({ part: 'sidecar', reason: `${CLI_ENTRY} missing: run make build first` });
  for (const peer of available) {
    if (!peer.available) skips.push({ part: peer.peer, reason: peer.reason });
    else await attempt(peer.peer, () => STARTERS[peer.peer]!(ctx));
  }
  return { peers, skips };
}

export async function stopPeers(peers: readonly RunningPeer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.process.stop(3000)));
}
