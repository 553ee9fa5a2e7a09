import { groupRssKb, sampleRss } from '../lib/rss.js';
import { runClient } from '../lib/loadgen.js';
import type { PeerContext, RunningPeer } from '../peers/peer.js';
import { DIRECT, type LoadSummary, type Protocol, type ProxyMeasurement, type RssReading, type Skip } from '../report/model.js';
import { clientArgs } from './target.js';

// Side by side: for each concurrency, every target runs the same fixed request count back to back, so
// machine noise hits all of them alike.

export const CONCURRENCY = [1, 16, 64] as const;

export interface ProxyScenario {
  loadgen: string;
  ctx: PeerContext;
  peers: RunningPeer[];
  /** Measured requests per run at each concurrency. */
  requests: (concurrency: number) => number;
  log: (line: string) => void;
}

export interface ProxyPhaseResult {
  measurements: ProxyMeasurement[];
  rss: RssReading[];
  skips: Skip[];
}

function describe(load: LoadSummary): string {
  return `p50 ${Math.round(load.p50us)} µs p99 ${Math.round(load.p99us)} µs ${Math.round(load.rps)}/s${load.errors ? ` errors ${load.errors}: ${load.firstError ?? ''}` : ''}`;
}

export async function runProxyPhase(s: ProxyScenario, protocol: Protocol): Promise<ProxyPhaseResult> {
  const peers = s.peers.filter((p) => (protocol === 'http' ? p.http : p.https) !== undefined);
  const rss = new Map<string, RssReading>();
  for (const peer of peers) {
    const idleKb = await groupRssKb(peer.process.pid);
    rss.set(peer.name, { target: peer.name, idleKb, peakKb: idleKb });
  }
  const measurements: ProxyMeasurement[] = [];
  const skips: Skip[] = [];
  for (const concurrency of CONCURRENCY) {
    const targets: (RunningPeer | undefined)[] = [undefined, ...peers];
    for (const peer of targets) {
      const target = peer?.name ?? DIRECT;
      const route = peer ? (protocol === 'http' ? peer.http : peer.https) : undefined;
      const sampler = peer ? sampleRss(peer.process.pid) : undefined;
      const n = s.requests(concurrency);
      try {
        const args = [
          ...clientArgs(s.ctx, protocol, route),
          '-c',
          String(concurrency),
          '-n',
          String(n),
          '-warmup',
          String(Math.min(500, n)),
          '-max-seconds',
          '40',
        ];
        const load = await runClient<LoadSummary>(s.loadgen, 'load', args, 90_000);
        measurements.push({ protocol, target, concurrency, load });
        s.log(`${protocol} c=${concurrency} ${target}: ${describe(load)}`);
      } catch (error) {
        skips.push({ part: `${protocol} c=${concurrency} ${target}`, reason: (error as Error).message.split('\n')[0] ?? 'failed' });
        s.log(`${protocol} c=${concurrency} ${target}: FAILED ${(error as Error).message}`);
      }
      if (peer && sampler) {
        const reading = rss.get(peer.name)!;
        reading.peakKb = Math.max(reading.peakKb, await sampler.stop());
      }
    }
  }
  return { measurements, rss: [...rss.values()], skips };
}
