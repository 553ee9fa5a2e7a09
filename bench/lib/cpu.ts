import { readFile, readdir } from 'node:fs/promises';
import { parsePgrp } from './rss.js';

// CPU time of a process group from /proc: what the process under test spent, whatever else shares its core.

/** Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream architecture. */
export const TICKS_PER_SECOND = 100;

export interface CpuTicks {
  /** In user space (JavaScript, V8, libuv). */
  user: number;
  /** In the kernel on the process's behalf (syscalls: socket reads and writes, epoll). */
  system: number;
}

/** utime and stime (all threads) from one /proc/<pid>/stat line (the comm field may hold spaces and parentheses). */
export function parseCpuTicks(stat: string): CpuTicks | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the comm field: state is fields[0], utime fields[11], stime fields[12].
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? { user, system } : undefined;
}

export async function groupCpuTicks(pgid: number): Promise<CpuTicks> {
  const total = { user: 0, system: 0 };
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ticks = parsePgrp(stat) === pgid ? parseCpuTicks(stat) : undefined;
      if (ticks === undefined) continue;
      total.user += ticks.user;
      total.system += ticks.system;
    } catch {
      // The process exited between readdir and read.
    }
  }
  return total;
}
