import { readFileSync } from 'node:fs';
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

/** The pids in process group `pgid`: one pass over /proc. */
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (parsePgrp(await readFile(`/proc/${entry}/stat`, 'utf8')) === pgid) members.push(Number(entry));
    } catch {
      // The process exited between readdir and read.
    }
  }
  return members;
}

/** Summed VmRSS of `pids`, read synchronously: a handful of small reads, no thread pool wakeups. */
function membersRssKb(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += parseVmRssKb(readFileSync(`/proc/${pid}/status`, 'utf8')) ?? 0;
    } catch {
      // Exited since the last scan.
    }
  }
  return total;
}

export async function groupRssKb(pgid: number): Promise<number> {
  return membersRssKb(await groupMembers(pgid));
}

export interface RssSampler {
  stop(): Promise<number>;
}

/** How often the sampler looks for new members of the group (squid starts cert helpers on demand). */
const RESCAN_MS = 2000;

/**
 * Samples a group's RSS until stopped; resolves the peak in kB. Between scans of /proc it reads only the
 * group's own status files: scanning every process on each sample kept libuv's pool busy enough to take the
 * proxy's core from it for milliseconds (seen as SSE delivery stalls, docs/benchmarks.md).
 */
export function sampleRss(pgid: number, intervalMs = 200): RssSampler {
  let peak = 0;
  let running = true;
  const loop = (async (): Promise<void> => {
    let members = await groupMembers(pgid);
    let scanned = Date.now();
    while (running) {
      if (Date.now() - scanned >= RESCAN_MS) {
        members = await groupMembers(pgid);
        scanned = Date.now();
      }
      peak = Math.max(peak, membersRssKb(members));
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
