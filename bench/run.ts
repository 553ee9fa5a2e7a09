// `make bench`: the sidecar side by side with nginx, squid and mitmproxy, then the webhook; one table of
// ratios from this one run, raw results in bench/results/latest.json, the table in docs/benchmarks.md.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensurePeers } from './lib/install.js';
import { buildLoadgen } from './lib/loadgen.js';
import { ensureWrk } from './lib/wrk.js';
import { pinningNote } from './lib/pinning.js';
import { startUpstream } from './lib/upstream.js';
import { BENCH_DOC_FILE, RESULTS_FILE } from './paths.js';
import { startPeers, stopPeers } from './peers/index.js';
import type { PeerContext } from './peers/peer.js';
import { compare, missed } from './report/compare.js';
import { OURS, type BenchResults, type MachineInfo } from './report/model.js';
import { replaceBenchSection } from './report/readme.js';
import { renderReport } from './report/render.js';
import { SIDECAR_PROFILE_SCENARIO, profileSidecar } from './scenarios/profile.js';
import { runProxyPhase } from './scenarios/proxies.js';
import { runSsePhase } from './scenarios/sse.js';
import { runWebhookPhases } from './scenarios/webhook.js';
import { API_SERVER_OBJECTS, apiServerUnavailable, runApiServerPhase } from './scenarios/apiServer.js';

const started = Date.now();
/** `make bench` must finish within 10 minutes; phases that would start past this are skipped and say so. */
const BUDGET_MS = 9 * 60_000;
const HEADER = { name: 'X-Bench-Auth', value: 'bench-token-not-a-secret' };
// BENCH_SCALE=0.2 makes a quick smoke run; the docs table always comes from the default.
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
// BENCH_ONLY=webhook,sse runs just those parts (for iterating); docs/benchmarks.md is only written by a full run.
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()) ?? [];
const FULL_RUN = SCALE === 1 && ONLY.length === 0;
const wanted = (part: string): boolean => ONLY.length === 0 || ONLY.includes(part);

function log(line: string): void {
  process.stderr.write(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${line}\n`);
}

/** Each target runs this many times per concurrency, interleaved with the others; the table shows the median. */
const REPEATS = 3;

function requestsPer(concurrency: number): number {
  return Math.max(200, Math.round((concurrency === 1 ? 1500 : 4000) * SCALE));
}

const WRK_SECONDS = Math.max(1, Math.round(2 * SCALE));

function machine(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    loadAverageAtStart: loadavg(),
    node: process.version,
    kernel: release(),
    pinning: pinningNote(),
  };
}

function withinBudget(part: string, results: BenchResults, needMs: number): boolean {
  if (Date.now() - started + needMs <= BUDGET_MS) return true;
  results.skips.push({
    part,
    reason: `the 10-minute budget of make bench would be exceeded (${Math.round((Date.now() - started) / 1000)} s used)`,
  });
  log(`skipping ${part}: time budget`);
  return false;
}

/** Last and optional: needs the e2e harness's cached kube-apiserver; a failure is a skip line, not a failed bench. */
async function apiServerPart(results: BenchResults): Promise<void> {
  const reason = await apiServerUnavailable();
  if (reason) {
    results.skips.push({ part: 'API server', reason });
    return;
  }
  try {
    const phase = await runApiServerPhase(log, { objects: Math.max(20, Math.round(API_SERVER_OBJECTS * SCALE)) });
    results.apiServer = phase.measurement;
    results.skips.push(...phase.skips);
  } catch (error) {
    results.skips.push({ part: 'API server', reason: (error as Error).message.split('\n')[0] ?? 'failed' });
    log(`API server phase failed: ${(error as Error).message}`);
  }
}

function startResults(): BenchResults {
  const results: BenchResults = {
    startedAt: new Date(started).toISOString(),
    durationSeconds: 0,
    machine: machine(),
    peers: {},
    skips: [],
    proxy: [],
    rss: [],
  };
  if (results.machine.loadAverageAtStart[0]! > results.machine.cpus) {
    log(
      `warning: load average ${results.machine.loadAverageAtStart[0]!.toFixed(2)} on ${results.machine.cpus} cores: other work is running, absolute numbers will be noisy`,
    );
  }
  return results;
}

type Loadgen = Awaited<ReturnType<typeof buildLoadgen>>;

/** What the proxy, SSE and profile parts share: the load generator, the upstream and the running peers. */
interface Stage {
  loadgen: Loadgen;
  dir: string;
  upstream: Awaited<ReturnType<typeof startUpstream>>;
  ctx: PeerContext;
  peers: Awaited<ReturnType<typeof startPeers>>['peers'];
  wrk: boolean;
}

async function setUpStage(results: BenchResults): Promise<Stage> {
  const available = await ensurePeers(log);
  for (const peer of available) if (peer.available) results.peers[peer.peer] = peer.version;
  const wrk = await ensureWrk(log);
  if (wrk.available) results.peers.wrk = wrk.version;
  else results.skips.push({ part: 'wrk (second client)', reason: wrk.reason });
  const loadgen = await buildLoadgen();
  const dir = await mkdtemp(join(tmpdir(), 'mcp-header-forward-bench-'));
  const upstream = await startUpstream(loadgen, dir, HEADER.name);
  const ctx: PeerContext = {
    dir,
    upstreamHttpPort: upstream.httpPort,
    upstreamHttpsPort: upstream.httpsPort,
    upstreamCaFile: upstream.caFile,
    header: HEADER,
  };
  const { peers, skips } = await startPeers(ctx, available, log);
  results.skips.push(...skips);
  return { loadgen, dir, upstream, ctx, peers, wrk: wrk.available };
}

async function tearDownStage(stage: Stage): Promise<void> {
  await stopPeers(stage.peers);
  await stage.upstream.process.stop(2000);
  if (process.env.BENCH_KEEP_TMP !== '1') await rm(stage.dir, { recursive: true, force: true });
}

async function proxyParts(stage: Stage, results: BenchResults): Promise<void> {
  for (const protocol of ['http', 'https'] as const) {
    if (!wanted(protocol) || !withinBudget(`${protocol} proxy runs`, results, 90_000)) continue;
    const scenario = {
      loadgen: stage.loadgen,
      wrk: stage.wrk,
      ctx: stage.ctx,
      peers: stage.peers,
      requests: requestsPer,
      wrkSeconds: WRK_SECONDS,
      repeats: REPEATS,
      dir: stage.dir,
      log,
    };
    const phase = await runProxyPhase(scenario, protocol);
    results.proxy.push(...phase.measurements);
    results.rss.push({ protocol, readings: phase.rss });
    results.skips.push(...phase.skips);
  }
}

/** Only when a sidecar target was missed: where its CPU time goes. */
async function sidecarProfilePart(stage: Stage, results: BenchResults): Promise<void> {
  if (!wanted('profile') || missed(compare(results), 'sidecar').length === 0 || !withinBudget('sidecar CPU profile', results, 40_000))
    return;
  log('a sidecar target was missed: profiling it with node --cpu-prof');
  const hotspots = await profileSidecar(stage.loadgen, stage.ctx);
  results.profiles = [...(results.profiles ?? []), { target: 'sidecar', scenario: SIDECAR_PROFILE_SCENARIO, hotspots }];
}

async function runParts(stage: Stage, results: BenchResults): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000));
  await proxyParts(stage, results);
  const sidecar = stage.peers.find((p) => p.name === OURS);
  if (sidecar && wanted('sse') && withinBudget('SSE', results, 30_000))
    results.sse = await runSsePhase(stage.loadgen, stage.ctx, sidecar, log);
  // The proxies are done: stop them before the webhook part (tearDownStage stops them too, for when a part throws first).
  await stopPeers(stage.peers);
  if (wanted('webhook'))
    await runWebhookPhases({
      loadgen: stage.loadgen,
      dir: stage.dir,
      log,
      results,
      withinBudget: (part, ms) => withinBudget(part, results, ms),
    });
  if (sidecar) await sidecarProfilePart(stage, results);
  if (wanted('apiserver') && withinBudget('API server', results, 240_000)) await apiServerPart(results);
}

async function writeResults(results: BenchResults): Promise<void> {
  const report = renderReport(results);
  // Only a full run replaces the recorded results; a partial one prints and keeps its JSON beside them.
  const resultsFile = FULL_RUN ? RESULTS_FILE : RESULTS_FILE.replace(/latest\.json$/, 'partial.json');
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  if (FULL_RUN) await writeFile(BENCH_DOC_FILE, replaceBenchSection(await readFile(BENCH_DOC_FILE, 'utf8'), report));
  process.stdout.write(`\n${report}\n\nraw results: ${resultsFile}\n`);
}

/** The parts that need the proxies, the upstream and the load generator; the API server part needs none of them. */
const STAGE_PARTS = ['http', 'https', 'sse', 'webhook', 'profile'];

async function main(): Promise<void> {
  const results = startResults();
  if (STAGE_PARTS.some(wanted)) {
    const stage = await setUpStage(results);
    try {
      await runParts(stage, results);
    } finally {
      await tearDownStage(stage);
    }
  } else if (wanted('apiserver')) {
    // BENCH_ONLY=apiserver: the control plane part alone, without installing or starting the proxies.
    await apiServerPart(results);
  }
  results.durationSeconds = (Date.now() - started) / 1000;
  results.machine.loadAverageAtEnd = loadavg();
  await writeResults(results);
}

main().catch((error: unknown) => {
  process.stderr.write(`make bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
