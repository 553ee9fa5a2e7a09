import { groupRssKb, sampleRss } from '../lib/rss.js';
import { runClient } from '../lib/loadgen.js';
import { runWrk } from '../lib/wrk.js';
import type { PeerContext, RunningPeer } from '../peers/peer.js';
import { medianSummary } from '../report/median.js';
import {
  DIRECT,
  type LoadClient,
  type LoadSummary,
  type Protocol,
  type ProxyMeasurement,
  type RssReading,
  type Skip,
} from '../report/model.js';
import { clientArgs, SEEN_HEADER, wrkTarget } from './target.js';

// Side by side: at each concurrency every target runs with each client in turn, and the whole round repeats
// `repeats` times, so a burst of machine noise lands on one run of every target rather than on all runs of one.

export const CONCURRENCY = [1, 16, 64] as const;

export interface ProxyScenario {
  loadgen: string;
  /** wrk is used when available (HTTP only: it cannot CONNECT). */
  wrk: boolean;
  ctx: PeerContext;
  peers: RunningPeer[];
  /** Measured requests per Go run at each concurrency. */
  requests: (concurrency: number) => number;
  /** Seconds per wrk run (wrk runs for a duration, not a count). */
  wrkSeconds: number;
  repeats: number;
  /** Default CONCURRENCY; the agreement check uses fewer. */
  concurrencies?: readonly number[];
  dir: string;
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

interface OneRun {
  protocol: Protocol;
  peer: RunningPeer | undefined;
  concurrency: number;
  client: LoadClient;
}

async function runOnce(s: ProxyScenario, r: OneRun): Promise<LoadSummary> {
  const route = r.peer ? (r.protocol === 'http' ? r.peer.http : r.peer.https) : undefined;
  if (r.client === 'wrk') return runWrk({ dir: s.dir, target: wrkTarget(s.ctx, route), concurrency: r.concurrency, seconds: s.wrkSeconds });
  const n = s.requests(r.concurrency);
  const args = [...clientArgs(s.ctx, r.protocol, route), '-c', String(r.concurrency), '-n', String(n)];
  args.push('-warmup', String(Math.min(500, n)), '-max-seconds', '40');
  return runClient<LoadSummary>(s.loadgen, 'load', args, 90_000);
}

/**
 * One short wrk run per proxy checking every response for the upstream's proof that the header was added: the
 * measured wrk runs skip that per-response hook, and this shows they take the same route as the Go client.
 * Returns the proxies wrk must not measure.
 */
async function checkWrkRoutes(s: ProxyScenario, peers: readonly RunningPeer[], skips: Map<string, Skip>): Promise<Set<string>> {
  const failed = new Set<string>();
  for (const peer of peers) {
    const target = { ...wrkTarget(s.ctx, peer.http), expectHeader: SEEN_HEADER };
    const check = await runWrk({ dir: s.dir, target, concurrency: 1, seconds: 1 }).catch((error: Error) => ({
      errors: 1,
      firstError: error.message,
    }));
    if (check.errors === 0) continue;
    failed.add(peer.name);
    skips.set(`${peer.name} wrk`, { part: `http ${peer.name} (wrk)`, reason: `route check failed: ${check.firstError ?? 'errors'}` });
    s.log(`http ${peer.name} wrk route check FAILED: ${check.firstError ?? ''}`);
  }
  return failed;
}

const key = (target: string, c: number, client: LoadClient): string => `${target}\u0000${c}\u0000${client}`;

export async function runProxyPhase(s: ProxyScenario, protocol: Protocol): Promise<ProxyPhaseResult> {
  const peers = s.peers.filter((p) => (protocol === 'http' ? p.http : p.https) !== undefined);
  const rss = new Map<string, RssReading>();
  for (const peer of peers) {
    const idleKb = await groupRssKb(peer.process.pid);
    rss.set(peer.name, { target: peer.name, idleKb, peakKb: idleKb });
  }
  const clients: LoadClient[] = protocol === 'http' && s.wrk ? ['go', 'wrk'] : ['go'];
  const runs = new Map<string, { run: Omit<ProxyMeasurement, 'load'>; summaries: LoadSummary[] }>();
  const skips = new Map<string, Skip>();
  const noWrk = clients.includes('wrk') ? await checkWrkRoutes(s, peers, skips) : new Set<string>();
  for (const concurrency of s.concurrencies ?? CONCURRENCY) {
    for (let round = 1; round <= s.repeats; round++) {
      for (const peer of [undefined, ...peers]) {
        const target = peer?.name ?? DIRECT;
        const sampler = peer ? sampleRss(peer.process.pid) : undefined;
        for (const client of clients) {
          if (client === 'wrk' && noWrk.has(target)) continue;
          const k = key(target, concurrency, client);
          try {
            const load = await runOnce(s, { protocol, peer, concurrency, client });
            const entry = runs.get(k) ?? { run: { protocol, target, concurrency, client }, summaries: [] };
            entry.summaries.push(load);
            runs.set(k, entry);
            s.log(`${protocol} c=${concurrency} ${target} ${client} #${round}: ${describe(load)}`);
          } catch (error) {
            const reason = (error as Error).message.split('\n')[0] ?? 'failed';
            skips.set(k, { part: `${protocol} c=${concurrency} ${target} (${client})`, reason });
            s.log(`${protocol} c=${concurrency} ${target} ${client} #${round}: FAILED ${(error as Error).message}`);
          }
        }
        if (peer && sampler) {
          const reading = rss.get(peer.name)!;
          reading.peakKb = Math.max(reading.peakKb, await sampler.stop());
        }
      }
    }
  }
  const measurements = [...runs.values()].map(({ run, summaries }) => ({ ...run, load: medianSummary(summaries), runs: summaries }));
  return { measurements, rss: [...rss.values()], skips: [...skips.values()] };
}
