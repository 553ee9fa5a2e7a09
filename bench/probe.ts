// `node dist/bench/probe.js sidecar|webhook [flags]`: one scenario of make bench alone, for before/after
// measurements while working on performance. Besides the client's view (p50/p99, req/s) it reports the
// CPU the process under test spent per request (from /proc, immune to the client sharing a busy core) and
// its idle RSS. Nothing is written to bench/results or docs/.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLoadgen, runClient } from './lib/loadgen.js';
import { groupCpuTicks, TICKS_PER_SECOND } from './lib/cpu.js';
import { groupRssKb } from './lib/rss.js';
import { startUpstream } from './lib/upstream.js';
import { startNginx } from './peers/nginx.js';
import type { ClientRoute, PeerContext, RunningPeer } from './peers/peer.js';
import { startOurSidecar } from './peers/sidecar.js';
import type { LoadSummary } from './report/model.js';
import { SIDECAR_GLIBC_TUNABLES, SIDECAR_NODE_OPTIONS } from '../contract/sidecar.js';
import { cpuProfFlags, readHotspots, timed } from './scenarios/profile.js';
import type { TimeWindow } from './report/profile.js';
import { runSsePhase } from './scenarios/sse.js';
import { clientArgs } from './scenarios/target.js';
import { reviewLoadArgs, startWebhook, type ReviewClient, type WebhookRoute } from './scenarios/webhook.js';
import { mutateReview, validateReview } from './webhook/fixtures.js';
import { startStandIn } from './webhook/standIn.js';

const HEADER = { name: 'X-Bench-Auth', value: 'bench-token-not-a-secret' };

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    c: { type: 'string', default: '1,16' },
    n: { type: 'string', default: '3000' },
    protocol: { type: 'string', default: 'http' },
    nginx: { type: 'boolean', default: false },
    route: { type: 'string', default: 'validate,mutate' },
    /** webhook: the load generator's client (apiserver: like kube-apiserver's webhook client; apiserver-h2; default). */
    client: { type: 'string', default: 'apiserver' },
    /** webhook: open-loop rates (reviews per second) to run after the closed loops, e.g. 1000,2000,4000. */
    rate: { type: 'string', default: '' },
    /** webhook: seconds per open-loop rate. */
    seconds: { type: 'string', default: '3' },
    'cpu-prof': { type: 'boolean', default: false },
    'node-flag': { type: 'string', multiple: true, default: [] },
    /** webhook: extra flags for `mcp-header-forward webhook`, e.g. --webhook-flag=--max-in-flight-reviews=32. */
    'webhook-flag': { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
    /** Another build's dist/cli/main.js, for before/after comparisons. */
    entry: { type: 'string' },
    /** Another node binary for the sidecar (e.g. the previous Node.js major), for before/after comparisons. */
    node: { type: 'string' },
    /** Also report RSS after this many idle seconds (V8's memory reducer shrinks the heap after ~10 s idle). */
    settle: { type: 'string', default: '0' },
    /** The sidecar's NODE_OPTIONS instead of the injector's (SIDECAR_NODE_OPTIONS); '' for none. */
    'node-options': { type: 'string' },
    /** The sidecar's GLIBC_TUNABLES instead of the injector's (SIDECAR_GLIBC_TUNABLES); '' for glibc's defaults. */
    'glibc-tunables': { type: 'string' },
    /** sse: first load the sidecar over HTTP and HTTPS (--c, --n), as make bench does before its SSE phase. */
    warm: { type: 'boolean', default: false },
  },
});
const scenario = positionals[0];
const concurrencies = values.c.split(',').map(Number);
const requests = Number(values.n);

function line(text: string): void {
  process.stdout.write(`${text}\n`);
}

function describe(load: LoadSummary): string {
  const extra = `${load.shed ? ` shed ${load.shed}` : ''}${load.proto ? ` ${load.proto}` : ''}`;
  return `p50 ${Math.round(load.p50us)} µs p99 ${Math.round(load.p99us)} µs ${Math.round(load.rps)}/s errors ${load.errors}${load.firstError ? ` (${load.firstError})` : ''}${extra}`;
}

/** One open-loop run at `rate` reviews/s; the webhook's CPU per review sent (answered or shed; the 200 warm-up ones included). */
async function measureRate(loadgen: string, label: string, args: string[], rate: number, pid: number): Promise<void> {
  const before = await groupCpuTicks(pid);
  const load = await runClient<LoadSummary>(loadgen, 'rate', [...args, '-rate', String(rate), '-seconds', values.seconds], 120_000);
  const after = await groupCpuTicks(pid);
  const sent = Math.round(rate * Number(values.seconds)) + 200;
  const cpuUs = Math.round(((after.user - before.user + after.system - before.system) / TICKS_PER_SECOND / sent) * 1e6);
  line(`${label} at ${rate} rps: ${describe(load)} cpu ${cpuUs} µs/review sent`);
}

/** One closed-loop run; with a pid, also the CPU that process group spent per request. */
async function measure(loadgen: string, label: string, args: string[], pid?: number): Promise<void> {
  const before = pid === undefined ? undefined : await groupCpuTicks(pid);
  const load = await runClient<LoadSummary>(loadgen, 'load', args, 120_000);
  let cpu = '';
  if (pid !== undefined && before !== undefined) {
    const after = await groupCpuTicks(pid);
    const perRequest = (ticks: number): number => Math.round((ticks / TICKS_PER_SECOND / (requests + Math.min(500, requests))) * 1e6);
    cpu = ` cpu ${perRequest(after.user - before.user + after.system - before.system)} µs/req (user ${perRequest(after.user - before.user)}, kernel ${perRequest(after.system - before.system)})`;
  }
  line(`${label}: ${describe(load)}${cpu}`);
}

async function profiled(dir: string): Promise<string[]> {
  return [...values['node-flag'], ...(values['cpu-prof'] ? cpuProfFlags(join(dir, 'cpu-profile')) : [])];
}

/** Stops the peer; with --cpu-prof, prints where its CPU went while the load ran (`window`), start-up left out. */
async function stopAndReport(peer: { process: { stop(ms: number): Promise<void> } }, dir: string, window?: TimeWindow): Promise<void> {
  await peer.process.stop(10_000);
  if (!values['cpu-prof']) return;
  line(`profile in ${join(dir, 'cpu-profile')}; hotspots (self time${window ? ' while the load ran' : ''}):`);
  for (const h of await readHotspots(join(dir, 'cpu-profile'), window)) line(`  ${JSON.stringify(h)}`);
}

/** The sidecar's NODE_OPTIONS and GLIBC_TUNABLES when given on the command line (else the injector's). */
function sidecarEnvOptions(): { nodeOptions?: string; glibcTunables?: string } {
  return {
    ...(values['node-options'] === undefined ? {} : { nodeOptions: values['node-options'] }),
    ...(values['glibc-tunables'] === undefined ? {} : { glibcTunables: values['glibc-tunables'] }),
  };
}

async function sidecarScenario(loadgen: string, dir: string): Promise<void> {
  const upstream = await startUpstream(loadgen, dir, HEADER.name);
  const ctx: PeerContext = {
    dir,
    upstreamHttpPort: upstream.httpPort,
    upstreamHttpsPort: upstream.httpsPort,
    upstreamCaFile: upstream.caFile,
    header: HEADER,
  };
  const protocol = values.protocol === 'https' ? 'https' : 'http';
  const peers: RunningPeer[] = [];
  try {
    const sidecar = await startOurSidecar(ctx, {
      nodeFlags: await profiled(dir),
      ...(values.entry ? { entry: resolve(values.entry) } : {}),
      ...(values.node ? { node: resolve(values.node) } : {}),
      ...sidecarEnvOptions(),
    });
    peers.push(sidecar);
    const node = values.node ? resolve(values.node) : process.execPath;
    line(
      `sidecar: ${values.entry ? resolve(values.entry) : 'this build'} on node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()}, NODE_OPTIONS ${JSON.stringify(values['node-options'] ?? SIDECAR_NODE_OPTIONS)}, GLIBC_TUNABLES ${JSON.stringify(values['glibc-tunables'] ?? SIDECAR_GLIBC_TUNABLES)}`,
    );
    if (values.nginx) peers.push(await startNginx(ctx));
    await new Promise((r) => setTimeout(r, 1000));
    line(`sidecar idle RSS ${(await groupRssKb(sidecar.process.pid)) / 1024} MB`);
    if (Number(values.settle) > 0) {
      await new Promise((r) => setTimeout(r, Number(values.settle) * 1000));
      line(`sidecar RSS after ${values.settle} s idle ${(await groupRssKb(sidecar.process.pid)) / 1024} MB`);
    }
    const window = await timed(async () => {
      for (const c of concurrencies) {
        const common = ['-c', String(c), '-n', String(requests), '-warmup', String(Math.min(500, requests)), '-max-seconds', '40'];
        const targets: [string, ClientRoute | undefined, number | undefined][] = [
          ['direct', undefined, undefined],
          ...peers.map((p): [string, ClientRoute | undefined, number] => [p.name, protocol === 'http' ? p.http : p.https, p.process.pid]),
        ];
        for (const [name, route, pid] of targets) {
          if (route === undefined && name !== 'direct') continue;
          await measure(loadgen, `${protocol} c=${c} ${name}`, [...clientArgs(ctx, protocol, route), ...common], pid);
        }
      }
    });
    line(`sidecar RSS after load ${(await groupRssKb(sidecar.process.pid)) / 1024} MB`);
    await stopAndReport(sidecar, dir, window);
  } finally {
    await Promise.all(peers.map((p) => p.process.stop(3000)));
    await upstream.process.stop(2000);
  }
}

/** make bench's SSE phase alone: 1000 streams direct, then through a fresh sidecar. */
async function sseScenario(loadgen: string, dir: string): Promise<void> {
  const upstream = await startUpstream(loadgen, dir, HEADER.name);
  const ctx: PeerContext = {
    dir,
    upstreamHttpPort: upstream.httpPort,
    upstreamHttpsPort: upstream.httpsPort,
    upstreamCaFile: upstream.caFile,
    header: HEADER,
  };
  try {
    const sidecar = await startOurSidecar(ctx, {
      nodeFlags: await profiled(dir),
      ...(values.entry ? { entry: resolve(values.entry) } : {}),
      ...(values.node ? { node: resolve(values.node) } : {}),
      ...sidecarEnvOptions(),
    });
    try {
      if (values.warm) {
        for (const protocol of ['http', 'https'] as const) {
          for (const c of concurrencies) {
            const common = ['-c', String(c), '-n', String(requests), '-warmup', String(Math.min(500, requests)), '-max-seconds', '40'];
            const route = protocol === 'http' ? sidecar.http : sidecar.https;
            await measure(loadgen, `warm-up ${protocol} c=${c}`, [...clientArgs(ctx, protocol, route), ...common], sidecar.process.pid);
          }
        }
        line(`sidecar RSS after warm-up ${((await groupRssKb(sidecar.process.pid)) / 1024).toFixed(1)} MB`);
      }
      const result = await runSsePhase(loadgen, ctx, sidecar, line);
      line(
        `sidecar delay p50 ${result.sidecar.p50us.toFixed(0)} µs p99 ${result.sidecar.p99us.toFixed(0)} µs, RSS idle ${(result.sidecarRssIdleKb / 1024).toFixed(1)} MB peak ${(result.sidecarRssPeakKb / 1024).toFixed(1)} MB`,
      );
      await stopAndReport(sidecar, dir);
    } finally {
      await sidecar.process.stop(3000);
    }
  } finally {
    await upstream.process.stop(2000);
  }
}

async function webhookScenario(loadgen: string, dir: string): Promise<void> {
  const standIn = await startStandIn(loadgen, dir);
  try {
    const webhook = await startWebhook(
      dir,
      standIn.kubeconfigFile,
      await profiled(dir),
      values.entry ? resolve(values.entry) : undefined,
      values['webhook-flag'],
    );
    try {
      line(`webhook idle RSS ${(await groupRssKb(webhook.process.pid)) / 1024} MB`);
      const bodies = { validate: join(dir, 'validate-review.json'), mutate: join(dir, 'mutate-review.json') };
      await writeFile(bodies.validate, JSON.stringify(validateReview()));
      await writeFile(bodies.mutate, JSON.stringify(mutateReview()));
      const window = await timed(async () => {
        for (const route of values.route.split(',') as WebhookRoute[]) {
          for (const c of concurrencies) {
            const args = [
              ...reviewLoadArgs(webhook, route, bodies[route], values.client as ReviewClient),
              '-c',
              String(c),
              '-n',
              String(requests),
              '-warmup',
              String(Math.min(500, requests)),
              '-max-seconds',
              '40',
            ];
            await measure(loadgen, `/${route} c=${c}`, args, webhook.process.pid);
          }
          for (const rate of values.rate.split(',').filter((r) => r !== '')) {
            const args = reviewLoadArgs(webhook, route, bodies[route], values.client as ReviewClient);
            await measureRate(loadgen, `/${route}`, args, Number(rate), webhook.process.pid);
          }
        }
      });
      await stopAndReport(webhook, dir, window);
    } finally {
      await webhook.process.stop(3000);
    }
  } finally {
    await standIn.process.stop(2000);
  }
}

async function main(): Promise<void> {
  if (scenario !== 'sidecar' && scenario !== 'webhook' && scenario !== 'sse')
    throw new Error(
      'usage: probe.js sidecar|webhook|sse [--c 1,16] [--n 3000] [--protocol http|https] [--nginx] [--warm (sse)] [--route validate,mutate] [--client apiserver|apiserver-h2|default] [--rate 1000,2000] [--seconds 3] [--cpu-prof] [--node-flag=--x] [--entry other/dist/cli/main.js] [--node /path/to/node] [--node-options="--x --y"] [--glibc-tunables=a=1:b=2]',
    );
  line(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const loadgen = await buildLoadgen();
  const dir = await mkdtemp(join(tmpdir(), 'mcp-header-forward-probe-'));
  await mkdir(dir, { recursive: true });
  try {
    const scenarios = { sidecar: sidecarScenario, webhook: webhookScenario, sse: sseScenario };
    await scenarios[scenario](loadgen, dir);
  } finally {
    if (!values.keep) await rm(dir, { recursive: true, force: true });
    else line(`kept ${dir}`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`probe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
