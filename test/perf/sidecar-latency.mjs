/* global process, console, Buffer */
// Quick added-latency check of the sidecar (the full comparison with nginx & co. is `make bench`):
// N sequential keep-alive requests direct vs through the sidecar (alternating), plain HTTP and intercepted HTTPS.
// Usage: make build && node test/perf/sidecar-latency.mjs [N=2000]
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent, ProxyAgent, request } from 'undici';

const root = resolve(import.meta.dirname, '..', '..');
const { createCa, issueLeaf } = await import(join(root, 'dist', 'certs', 'x509.js'));
const N = Number(process.argv[2] ?? 2000);
const WARMUP = 200;

const dir = await mkdtemp(join(tmpdir(), 'mhf-latency-'));
const ca = await createCa({ commonName: 'latency upstream CA', validForMs: 3_600_000 });
const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 });
await writeFile(join(dir, 'upstream-ca.pem'), ca.certPem);
const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [] } });
const handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
const listen = (server) => new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server.address().port)));
const httpServer = createHttp({ keepAliveTimeout: 60_000 }, handler);
const httpsServer = createHttps({ cert: leaf.certPem, key: leaf.keyPem, keepAliveTimeout: 60_000 }, handler);
const [httpPort, httpsPort] = [await listen(httpServer), await listen(httpsServer)];

const env = {
  PATH: process.env.PATH,
  NODE_ENV: 'production',
  MCP_HEADER_FORWARD_ROUTES: JSON.stringify({
    version: 1,
    routes: [
      { entry: 'bench/http', remoteUrl: `http://127.0.0.1:${httpPort}/mcp`, plaintextHeaders: {}, secretHeaders: { Authorization: 'BENCH_TOKEN' } },
      { entry: 'bench/https', remoteUrl: `https://127.0.0.1:${httpsPort}/mcp`, plaintextHeaders: {}, secretHeaders: { Authorization: 'BENCH_TOKEN' }, caBundleFile: join(dir, 'upstream-ca.pem') },
    ],
  }),
  BENCH_TOKEN: 'Bearer bench',
};
const caDir = join(dir, 'ca');
const sidecar = spawn(process.execPath, [join(root, 'dist', 'cli', 'main.js'), 'sidecar', '--proxy-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--ca-dir', caDir, '--log-level', 'info'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const proxyAddress = await new Promise((ok, fail) => {
  let out = '';
  sidecar.stdout.on('data', (chunk) => {
    out += chunk;
    const line = out.split('\n').find((l) => l.includes('"sidecar ready"'));
    if (line) ok(JSON.parse(line).proxy);
  });
  sidecar.once('exit', (code) => fail(new Error(`sidecar exited with ${code}`)));
});
const sidecarCa = await readFile(join(caDir, 'ca.crt'), 'utf8');

async function once(dispatcher, url) {
  const start = performance.now();
  const res = await request(url, { dispatcher });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
  return performance.now() - start;
}

// Direct and proxied requests alternate, so both see the same background load on a shared machine.
async function measure(direct, proxied, url) {
  const samples = { direct: [], proxied: [] };
  for (let i = 0; i < WARMUP + N; i++) {
    const d = await once(direct, url);
    const p = await once(proxied, url);
    if (i >= WARMUP) {
      samples.direct.push(d);
      samples.proxied.push(p);
    }
  }
  const stats = (list) => {
    list.sort((a, b) => a - b);
    const at = (q) => list[Math.min(list.length - 1, Math.floor(q * list.length))];
    return { p50: at(0.5), p99: at(0.99) };
  };
  return { direct: stats(samples.direct), proxied: stats(samples.proxied) };
}

const proxy = `http://${proxyAddress}`;
const cases = [
  ['plain HTTP', new Agent(), new ProxyAgent({ uri: proxy, proxyTunnel: false }), `http://127.0.0.1:${httpPort}/mcp`],
  ['HTTPS (intercepted)', new Agent({ connect: { ca: ca.certPem } }), new ProxyAgent({ uri: proxy, requestTls: { ca: sidecarCa } }), `https://127.0.0.1:${httpsPort}/mcp`],
];
const fmt = (ms) => `${(ms * 1000).toFixed(0)} µs`;
console.log(`${N} sequential keep-alive requests each (after ${WARMUP} warm-up), loopback, node ${process.version}`);
for (const [name, direct, proxied, url] of cases) {
  const { direct: d, proxied: p } = await measure(direct, proxied, url);
  console.log(`${name.padEnd(20)} direct p50 ${fmt(d.p50)} p99 ${fmt(d.p99)} | via sidecar p50 ${fmt(p.p50)} p99 ${fmt(p.p99)} | added p50 ${fmt(p.p50 - d.p50)} p99 ${fmt(p.p99 - d.p99)}`);
  await Promise.all([direct.close(), proxied.close()]);
}
sidecar.kill('SIGTERM');
await new Promise((ok) => sidecar.once('exit', ok));
httpServer.close();
httpsServer.close();
httpServer.closeAllConnections();
httpsServer.closeAllConnections();
await rm(dir, { recursive: true, force: true });
