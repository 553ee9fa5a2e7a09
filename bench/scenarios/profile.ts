import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runClient } from '../lib/loadgen.js';
import type { PeerContext } from '../peers/peer.js';
import { startOurSidecar } from '../peers/sidecar.js';
import type { LoadSummary, ProfileHotspot } from '../report/model.js';
import { hotspots, type CpuProfile } from '../report/profile.js';
import { clientArgs } from './target.js';

// When a target is missed: rerun the sidecar under `node --cpu-prof` on the same traffic and name the
// functions that take the CPU.

export const PROFILE_SCENARIO = 'HTTP then HTTPS, c=16, 5000 requests each';

export async function profileSidecar(loadgen: string, ctx: PeerContext): Promise<ProfileHotspot[]> {
  const profileDir = join(ctx.dir, 'cpu-profile');
  const sidecar = await startOurSidecar(ctx, { name: 'sidecar-profiled', nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  try {
    for (const protocol of ['http', 'https'] as const) {
      const route = protocol === 'http' ? sidecar.http : sidecar.https;
      await runClient<LoadSummary>(loadgen, 'load', [...clientArgs(ctx, protocol, route), '-c', '16', '-n', '5000', '-warmup', '200'], 90_000);
    }
  } finally {
    // SIGTERM lets node exit normally, which is when it writes the profile.
    await sidecar.process.stop(10_000);
  }
  const file = (await readdir(profileDir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node --cpu-prof wrote no profile into ${profileDir}`);
  return hotspots(JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile, 12);
}
