import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadSummary } from '../report/model.js';
import { aptInstall, onPath } from './install.js';
import { CLIENT_CPU, pinned } from './pinning.js';
import { parseWrkOutput, wrkScript, type WrkTarget } from './wrkResult.js';

// wrk, the independent client beside the Go one: installed from Debian when missing (one line saying so), or
// skipped with the reason.

const run = promisify(execFile);

export type WrkAvailability = { available: true; version: string } | { available: false; reason: string };

export async function ensureWrk(log: (line: string) => void): Promise<WrkAvailability> {
  let failure: string | undefined;
  if (!onPath('wrk')) {
    log('installing wrk from Debian (once per machine)');
    failure = await aptInstall(['wrk']);
  }
  if (!onPath('wrk')) return { available: false, reason: failure ?? 'wrk not found after installing it' };
  // `wrk -v` prints its version and usage, then exits 1.
  const out = await run('wrk', ['-v']).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return { available: true, version: out.stdout.split('\n')[0]?.trim() || 'unknown version' };
}

export interface WrkRun {
  dir: string;
  target: WrkTarget;
  concurrency: number;
  seconds: number;
}

/** One wrk run (one thread, like the single Go process, on the client core). */
export async function runWrk(r: WrkRun): Promise<LoadSummary> {
  const script = join(r.dir, `wrk-${r.target.absoluteUrl ? 'forward' : 'plain'}${r.target.expectHeader ? '-check' : ''}.lua`);
  await writeFile(script, wrkScript(r.target));
  const args = ['-t', '1', '-c', String(r.concurrency), '-d', `${r.seconds}s`, '--timeout', '10s', '-s', script, r.target.connectUrl];
  const { command, args: argv } = pinned(CLIENT_CPU, 'wrk', args);
  const { stdout } = await run(command, argv, { timeout: (r.seconds + 30) * 1000, maxBuffer: 4 * 1024 * 1024 });
  return parseWrkOutput(stdout);
}
