// `node dist/bench/sidecarModules.js [runs]`: what each module the sidecar loads costs in resident memory, idle.
// Each row is a fresh `node --expose-gc` that imports the modules, collects garbage twice and reads VmRSS from
// /proc/self/status; the median over the runs, minus the empty script's, is what loading them adds. The second
// column loads node:http, node:tls and node:crypto first (the sidecar needs them whatever else it loads), so it
// is the library's own cost. Rows are single modules and the sidecar's real start-up set. After `make build`.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? '5');
const dist = (path: string): string => new URL(`../${path}`, import.meta.url).href;
const pkg = (name: string): string => import.meta.resolve(name);

interface Row {
  label: string;
  /** Module URLs imported in order. */
  imports: string[];
  /** Code run after the imports (the modules are in `m`, in order), e.g. creating what start-up creates. */
  then?: string;
}

const SIDECAR_START = [dist('cli/sidecar.js'), dist('sidecar/config.js'), dist('contract/logging.js'), dist('sidecar/server.js')];

const ROWS: Row[] = [
  { label: 'node, empty script', imports: [] },
  { label: 'node:http as an ES module import', imports: ['node:http'] },
  { label: 'commander (CLI parsing)', imports: [pkg('commander')] },
  { label: 'pino (contract/logging.js)', imports: [dist('contract/logging.js')] },
  { label: 'zod', imports: [pkg('zod')] },
  { label: 'zod/mini', imports: [pkg('zod/mini')] },
  { label: 'contract/routes.js (zod schema)', imports: [dist('contract/routes.js')] },
  { label: "contract/routeConfigCheck.js (the sidecar's check)", imports: [dist('contract/routeConfigCheck.js')] },
  { label: 'prom-client', imports: [pkg('prom-client')] },
  { label: 'prom-client + its default metrics (index)', imports: [pkg('prom-client')], then: 'm[0].collectDefaultMetrics();' },
  {
    label: 'sidecar/promCore.js + the sidecar metrics registry',
    imports: [dist('sidecar/metrics.js')],
    then: 'm[0].createSidecarMetrics();',
  },
  { label: 'undici core (sidecar/undiciCore.js)', imports: [dist('sidecar/undiciCore.js')] },
  { label: 'undici (whole index)', imports: [pkg('undici')] },
  { label: '@peculiar/x509 + reflect-metadata (certs/x509.js)', imports: [dist('certs/x509.js')] },
  {
    label: 'certs/x509.js + create a CA and one leaf',
    imports: [dist('sidecar/podCa.js')],
    then: "const ca = await m[0].PodCa.create(); await ca.secureContextFor('a.test');",
  },
  { label: 'sidecar/server.js and what it imports', imports: [dist('sidecar/server.js')] },
  { label: 'sidecar start-up imports (cli/sidecar + config + logging + server)', imports: [pkg('commander'), ...SIDECAR_START] },
];

/** CommonJS-style: no ES namespace, so no lazy getters run (sidecar/nodeHttp.ts). */
const BUILTINS = `for (const b of ['node:http', 'node:tls', 'node:crypto']) process.getBuiltinModule(b);`;

function once(row: Row, withBuiltins: boolean): { rssKb: number; heapKb: number } {
  const script = [
    withBuiltins ? BUILTINS : '',
    `const m = [];`,
    ...row.imports.map((u) => `m.push(await import(${JSON.stringify(u)}));`),
    row.then ?? '',
    `for (let i = 0; i < 2; i++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); }`,
    `const rss = Number(/^VmRSS:\\s+(\\d+)/m.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))[1]);`,
    `process.stdout.write(JSON.stringify({ rssKb: rss, heapKb: Math.round(process.memoryUsage().heapUsed / 1024) }));`,
    `process.exit(0);`,
  ].join('\n');
  const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  return JSON.parse(out) as { rssKb: number; heapKb: number };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const mb = (kb: number): string => (kb / 1024).toFixed(1);

process.stdout.write(`node ${process.version} ${process.execArgv.join(' ')}, ${runs} runs per row, load ${loadavg()[0]!.toFixed(2)}\n\n`);
process.stdout.write(
  '| loaded | RSS alone | added to node | V8 heap used | RSS after node:http+tls+crypto | added to those |\n| --- | --- | --- | --- | --- | --- |\n',
);
const measure = (row: Row, withBuiltins: boolean): { rssKb: number; heapKb: number } => {
  const samples = Array.from({ length: runs }, () => once(row, withBuiltins));
  return { rssKb: median(samples.map((s) => s.rssKb)), heapKb: median(samples.map((s) => s.heapKb)) };
};
let base: { alone: number; builtins: number } | undefined;
for (const row of ROWS) {
  const alone = measure(row, false);
  const builtins = measure(row, true);
  base ??= { alone: alone.rssKb, builtins: builtins.rssKb };
  const added = (kb: number, from: number): string => (row.imports.length === 0 ? '' : `${kb >= from ? '+' : ''}${mb(kb - from)} MB`);
  process.stdout.write(
    `| ${row.label} | ${mb(alone.rssKb)} MB | ${added(alone.rssKb, base.alone)} | ${mb(alone.heapKb)} MB | ${mb(builtins.rssKb)} MB | ${added(builtins.rssKb, base.builtins)} |\n`,
  );
}
