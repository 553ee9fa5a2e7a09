import { runClient } from '../lib/loadgen.js';
import { groupRssKb, sampleRss } from '../lib/rss.js';
import type { PeerContext, RunningPeer } from '../peers/peer.js';
import type { SseMeasurement, SseResult } from '../report/model.js';
import { clientArgs } from './target.js';

// 1000 SSE streams held open through the sidecar: its memory with that many streams, and how long an event
// takes from the upstream's write to the client's read (direct as the baseline).

export const SSE_STREAMS = 1000;
const MEASURE_SECONDS = 6;

export async function runSsePhase(
  loadgen: string,
  ctx: PeerContext,
  sidecar: RunningPeer,
  log: (line: string) => void,
): Promise<SseMeasurement> {
  const args = (route: RunningPeer['http'] | undefined): string[] => [
    ...clientArgs(ctx, 'http', route, '/sse'),
    '-streams',
    String(SSE_STREAMS),
    '-seconds',
    String(MEASURE_SECONDS),
  ];
  const direct = await runClient<SseResult>(loadgen, 'sse', args(undefined), 60_000);
  log(`sse direct: ${direct.connected} streams, p99 ${Math.round(direct.p99us)} µs`);
  const idleKb = await groupRssKb(sidecar.process.pid);
  const sampler = sampleRss(sidecar.process.pid, 100);
  const through = await runClient<SseResult>(loadgen, 'sse', args(sidecar.http), 60_000);
  const peakKb = await sampler.stop();
  log(`sse sidecar: ${through.connected} streams, p99 ${Math.round(through.p99us)} µs, RSS ${(peakKb / 1024).toFixed(1)} MB`);
  return { direct, sidecar: through, sidecarRssIdleKb: idleKb, sidecarRssPeakKb: peakKb };
}
