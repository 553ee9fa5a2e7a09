import { readFile, readdir } from 'node:fs/promises';

// Resident memory of a process group from /proc: every peer runs in its own group (nginx master + worker,
// squid + its cert helpers), so summing VmRSS over the group covers the whole peer.

export function parseVmRssKb(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) : undefined;
}

/** The process group id from /proc/<pid>/stat (the comm field may hold spaces and parentheses). */
export function parsePgrp(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const pgrp = Number(fields[2]);
  return Number.isInteger(pgrp) ? pgrp : undefined;
}

export async function groupRssKb(pgid: number): Promise<number> {
  let total = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parsePgrp(await readFile(`/proc/${entry}/stat`, 'utf8')) !== pgid) continue;
      total += parseVmRssKb(await readFile(`/proc/${entry}/status`, 'utf8')) ?? 0;
    } catch {
      // The process exited between readdir and read.
    }
  }
  return total;
}

export interface RssSampler {
  stop(): Promise<number>;
}

/** Samples a group's RSS until stopped; resolves the peak in kB. */
export function sampleRss(pgid: number, intervalMs = 200): RssSampler {
  let peak = 0;
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      peak = Math.max(peak, await groupRssKb(pgid));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop(): Promise<number> {
      running = false;
      await loop;
      peak = Math.max(peak, await groupRssKb(pgid));
      return peak;
    },
  };
}
