// `node dist/bench/agreement.js [--c 1,32] [--repeats 5]`: direct, nginx and the sidecar over HTTP with both
// clients (Go loadgen and wrk), interleaved, in the pinning layout BENCH_PIN selects. The check behind the
// "Method" section of docs/benchmarks.md: the two clients must agree on what each proxy adds. Writes nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLoadgen } from './lib/loadgen.js';
import { pinningNote } from './lib/pinning.js';
import { startUpstream } from './lib/upstream.js';
import { ensureWrk } from './lib/wrk.js';
import { startNginx } from './peers/nginx.js';
import type { PeerContext, RunningPeer } from './peers/peer.js';
import { startOurSidecar } from './peers/sidecar.js';
import { detailTable } from './report/table.js';
import type { BenchResults } from './report/model.js';
import { runProxyPhase } from './scenarios/proxies.js';

const { values } = parseArgs({
  options: {
    c: { type: 'string', default: '1,32' },
    repeats: { type: 'string', default: '5' },
    n: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '2' },
  },
});
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  process.stdout.write(`${pinningNote()}; load average at start ${load()}\n`);
  const wrk = await ensureWrk(log);
  if (!wrk.available) throw new Error(`wrk is needed here: ${wrk.reason}`);
  const loadgen = await buildLoadgen();
  const dir = await mkdtemp(join(tmpdir(), 'mcp-header-forward-agreement-'));
  const header = { name: 'X-Bench-Auth', value: 'bench-token-not-a-secret' };
  const upstream = await startUpstream(loadgen, dir, header.name);
  const ctx: PeerContext = {
    dir,
    upstreamHttpPort: upstream.httpPort,
    upstreamHttpsPort: upstream.httpsPort,
    upstreamCaFile: upstream.caFile,
    header,
  };
  const peers: RunningPeer[] = [];
  try {
    peers.push(await startNginx(ctx), await startOurSidecar(ctx));
    const phase = await runProxyPhase(
      {
        loadgen,
        wrk: true,
        ctx,
        peers,
        requests: () => Number(values.n),
        wrkSeconds: Number(values.seconds),
        repeats: Number(values.repeats),
        concurrencies: values.c.split(',').map(Number),
        dir,
        log,
      },
      'http',
    );
    const results = { proxy: phase.measurements, rss: [] } as unknown as BenchResults;
    process.stdout.write(`${detailTable(results)}\nload average at end ${load()}\n`);
  } finally {
    await Promise.all(peers.map((p) => p.process.stop(3000)));
    await upstream.process.stop(2000);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`agreement failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
