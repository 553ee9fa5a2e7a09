import { readFile, readdir } from 'node:fs/promises';
import { groupCpuTicks, TICKS_PER_SECOND } from '../lib/cpu.js';

// CPU spent per create by each process on the create path (the API server, the reviewer), read from /proc before
// and after a burst: unlike latency, it does not grow when other work shares the cores.

/** The pid of the one process whose argv has all of `args` (the harness starts each in its own process group). */
export async function findProcess(args: readonly string[]): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then(
      (text) => text.split('\0'),
      (): string[] => [],
    );
    if (args.every((a) => argv.includes(a))) return Number(entry);
  }
  return undefined;
}

/** Milliseconds of CPU (user + system) each process group has used so far. */
export async function cpuMs(groups: Readonly<Record<string, number>>): Promise<Record<string, number>> {
  const entries = await Promise.all(
    Object.entries(groups).map(async ([name, pgid]) => {
      const ticks = await groupCpuTicks(pgid);
      return [name, ((ticks.user + ticks.system) * 1000) / TICKS_PER_SECOND] as const;
    }),
  );
  return Object.fromEntries(entries);
}
