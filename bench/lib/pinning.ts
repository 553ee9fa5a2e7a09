import { availableParallelism } from 'node:os';
import { spawnSync } from 'node:child_process';

// Proxies get core 1 to themselves; the client and upstream share core 0. Every peer gets the same single
// core, so ratios compare the proxies and not how many cores each happened to use.
export const PROXY_CPU = '1';
export const CLIENT_CPU = '0';

const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;

export function pinningNote(): string {
  return canPin
    ? `each proxy pinned to core ${PROXY_CPU}, client and upstream to core ${CLIENT_CPU} (taskset)`
    : 'no CPU pinning (taskset or a 2nd core missing)';
}

/** The command line that runs `command args` on `cpu` when pinning is possible. */
export function pinned(cpu: string, command: string, args: string[]): { command: string; args: string[] } {
  return canPin ? { command: 'taskset', args: ['-c', cpu, command, ...args] } : { command, args };
}
