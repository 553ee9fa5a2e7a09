import { availableParallelism } from 'node:os';
import { spawnSync } from 'node:child_process';

// Which core each bench process runs on. Every peer gets the same single core, so ratios compare the proxies
// and not how many cores each happened to use. The layout matters for latency: each hop between processes on
// different cores costs a cross-core wakeup (tens of µs on a VM), and the added latency is proxied minus direct,
// so direct and proxied requests must cross cores the same number of times (see "Method" in docs/benchmarks.md).
//
// BENCH_PIN picks the layout:
//  - split (default): the client alone on core 0, the proxy and the upstream on core 1. Direct and proxied
//    requests both cross twice (there and back), so the subtraction cancels the crossings.
//  - shared: the layout before issue 23: client and upstream on core 0, proxies on core 1. Direct crosses
//    never, proxied four times, and the difference is counted against every proxy.
//  - none: no taskset at all.
export type PinLayout = 'split' | 'shared' | 'none';

const LAYOUTS: Record<Exclude<PinLayout, 'none'>, { client: string; proxy: string; upstream: string }> = {
  split: { client: '0', proxy: '1', upstream: '1' },
  shared: { client: '0', proxy: '1', upstream: '0' },
};

function chosenLayout(): PinLayout {
  const wanted = process.env.BENCH_PIN ?? 'split';
  if (wanted !== 'split' && wanted !== 'shared' && wanted !== 'none') throw new Error(`BENCH_PIN=${wanted}: use split, shared or none`);
  const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0;
  return canPin ? wanted : 'none';
}

export const PIN_LAYOUT = chosenLayout();
const cores = PIN_LAYOUT === 'none' ? undefined : LAYOUTS[PIN_LAYOUT];

/** Cores as strings for taskset; undefined when not pinning. */
export const CLIENT_CPU = cores?.client;
export const PROXY_CPU = cores?.proxy;
export const UPSTREAM_CPU = cores?.upstream;

export function pinningNote(): string {
  if (!cores) return 'no CPU pinning (BENCH_PIN=none, or taskset or a 2nd core missing)';
  if (PIN_LAYOUT === 'split') return `client alone on core ${cores.client}, each proxy and the upstream on core ${cores.proxy} (taskset)`;
  return `each proxy on core ${cores.proxy}, client and upstream on core ${cores.client} (taskset, BENCH_PIN=shared)`;
}

/** The command line that runs `command args` on `cpu`; unchanged when `cpu` is undefined (not pinning). */
export function pinned(cpu: string | undefined, command: string, args: string[]): { command: string; args: string[] } {
  return cpu === undefined ? { command, args } : { command: 'taskset', args: ['-c', cpu, command, ...args] };
}
