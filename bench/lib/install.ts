import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

// Peers come from Debian. A fresh machine gets them installed here; where that is impossible the peer is
// skipped with one line saying why, and the rest of the bench still runs.

const run = promisify(execFile);

export interface PeerPackage {
  peer: string;
  binary: string;
  packages: string[];
  versionArgs: string[];
}

export const PEER_PACKAGES: readonly PeerPackage[] = [
  { peer: 'nginx', binary: 'nginx', packages: ['nginx-light'], versionArgs: ['-v'] },
  { peer: 'squid', binary: 'squid', packages: ['squid-openssl'], versionArgs: ['-v'] },
  { peer: 'mitmproxy', binary: 'mitmdump', packages: ['mitmproxy'], versionArgs: ['--version'] },
];

export type PeerAvailability = { peer: string; available: true; version: string } | { peer: string; available: false; reason: string };

export function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary} || test -x /usr/sbin/${binary}`]).status === 0;
}

function version(p: PeerPackage): string {
  const out = spawnSync(p.binary, p.versionArgs, {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin` },
  });
  const text = `${out.stdout ?? ''}${out.stderr ?? ''}`.split('\n').find((l) => /\d+\.\d+/.test(l)) ?? 'unknown version';
  return text.trim();
}

export async function aptInstall(packages: string[]): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'not root, so apt-get cannot install it (install it yourself and rerun)';
  if (!onPath('apt-get')) return 'no apt-get on this machine (install it with your package manager and rerun)';
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await run('apt-get', ['update', '-qq'], { env, timeout: 180_000 });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, timeout: 300_000 });
    return undefined;
  } catch (error) {
    return `apt-get install ${packages.join(' ')} failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

export async function ensurePeers(log: (line: string) => void): Promise<PeerAvailability[]> {
  const missing = PEER_PACKAGES.filter((p) => !onPath(p.binary));
  let failure: string | undefined;
  if (missing.length > 0) {
    const packages = missing.flatMap((p) => p.packages);
    log(`installing ${packages.join(' ')} from Debian (once per machine)`);
    failure = await aptInstall(packages);
  }
  return PEER_PACKAGES.map((p) => {
    if (onPath(p.binary)) return { peer: p.peer, available: true as const, version: version(p) };
    return { peer: p.peer, available: false as const, reason: failure ?? `${p.binary} not found after installing ${p.packages.join(' ')}` };
  });
}
