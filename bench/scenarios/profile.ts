import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runClient } from '../lib/loadgen.js';
import type { PeerContext } from '../peers/peer.js';
import { startOurSidecar } from '../peers/sidecar.js';
import type { LoadSummary, ProfileHotspot } from '../report/model.js';
import { hotspots, monotonicMicros, type CpuProfile, type TimeWindow } from '../report/profile.js';
import { clientArgs } from './target.js';

// When a target is missed: rerun our process under `node --cpu-prof` on the same traffic and name the
// functions that take the CPU.

export const SIDECAR_PROFILE_SCENARIO = 'HTTP then HTTPS, c=16, 3000 requests each';

export function cpuProfFlags(dir: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/**
 * The hotspots of the one profile node wrote into `dir` (it writes it when the process exits normally); with a
 * window, only what ran while the load did (start-up and shutdown left out).
 */
export async function readHotspots(dir: string, window?: TimeWindow): Promise<ProfileHotspot[]> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`node --cpu-prof wrote no profile into ${dir}`);
  return hotspots(JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile, 12, window);
}

/** Runs `load` and returns the span of the monotonic clock it took, for readHotspots. */
export async function timed(load: () => Promise<unknown>): Promise<TimeWindow> {
  const fromUs = monotonicMicros();
  await load();
  return { fromUs, toUs: monotonicMicros() };
}

export async function profileSidecar(loadgen: string, ctx: PeerContext): Promise<ProfileHotspot[]> {
  const profileDir = join(ctx.dir, 'sidecar-cpu-profile');
  const sidecar = await startOurSidecar(ctx, { name: 'sidecar-profiled', nodeFlags: cpuProfFlags(profileDir) });
  let window: TimeWindow;
  try {
    window = await timed(async () => {
      for (const protocol of ['http', 'https'] as const) {
        const route = protocol === 'http' ? sidecar.http : sidecar.https;
        await runClient<LoadSummary>(
          loadgen,
          'load',
          [...clientArgs(ctx, protocol, route), '-c', '16', '-n', '3000', '-warmup', '200'],
          90_000,
        );
      }
    });
  } finally {
    // SIGTERM lets node exit normally, which is when it writes the profile.
    await sidecar.process.stop(10_000);
  }
  return readHotspots(profileDir, window);
}
