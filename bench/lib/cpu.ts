import { readFile, readdir } from 'node:fs/promises';
import { parsePgrp } from './rss.js';

// CPU time of a process group from /proc: what the process under test spent, whatever else shares its core.

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream architecture. */
export const TICKS_PER_SECOND = 100;

/** utime + stime (all threads) from one /proc/<pid>/stat line (the comm field may hold spaces and parentheses). */
export function parseCpuTicks(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is fields[0], utime fields[11], stime fields[12].
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

export async function groupCpuTicks(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      if (parsePgrp(stat) === pgid) total += parseCpuTicks(stat) ?? 0;
    } catch {
      // The process exited between readdir and read.
    }
  }
  return total;
}
