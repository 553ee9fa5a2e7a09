// Loopback fixtures for the sidecar tests: upstream servers (plain and TLS, test CA), a running sidecar with
// captured logs, and name resolution mapping `*.test` to 127.0.0.1 (Go never proxies "localhost").
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { lookup as dnsLookup } from 'node:dns';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, request, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createCa, issueLeaf, type IssuedCert, type Issuer } from '../../../certs/x509.js';
import { loadSidecarConfig } from '../../../sidecar/config.js';
import { createLogger } from '../../../contract/logging.js';
import { startSidecar, type Sidecar, type SidecarOptions } from '../../../sidecar/server.js';

export const testLookup: LookupFunction = (hostname, options, callback) => {
  if (!hostname.endsWith('.test')) {
    dnsLookup(hostname, options, callback);
    return;
  }
  if (options.all)
    (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
};

export interface TestPki {
  ca: Issuer;
  caFile: string;
  /** A directory holding only the test CA, for SSL_CERT_DIR. */
  caDir: string;
  serverCert: IssuedCert;
  /** Signed by a CA nobody trusts. */
  untrustedCert: IssuedCert;
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = await createCa({ commonName: 'sidecar test upstream CA', validForMs: 3_600_000 });
  const stranger = await createCa({ commonName: 'untrusted CA', validForMs: 3_600_000 });
  const names = { dnsNames: ['mcp.test', 'other.test', 'localhost'], ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 };
  const caDir = join(dir, 'test-ca');
  await mkdir(caDir, { recursive: true });
  const caFile = join(caDir, 'test-ca.pem');
  await writeFile(caFile, ca.certPem);
  return {
    ca,
    caFile,
    caDir,
    serverCert: await issueLeaf(ca, { commonName: 'mcp.test', ...names }),
    untrustedCert: await issueLeaf(stranger, { commonName: 'mcp.test', ...names }),
  };
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface Upstream {
  port: number;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** Records every request, then hands it to `handler` (default: 200 with the request as JSON). */
export async function startUpstream(tls: IssuedCert | undefined, handler?: RequestListener): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const listener: RequestListener = (req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (handler) return handler(req, res);
    const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  };
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RunningSidecar {
  sidecar: Sidecar;
  proxyUrl: string;
  adminUrl: string;
  caDir: string;
  logs: string[];
  close(): Promise<void>;
}

export async function runSidecar(
  env: Record<string, string>,
  options: { shutdownGraceMs?: number; timeouts?: SidecarOptions['timeouts']; limits?: SidecarOptions['limits'] } = {},
): Promise<RunningSidecar> {
  const dir = await mkdtemp(join(tmpdir(), 'mhf-sidecar-'));
  const caDir = join(dir, 'ca');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  const sidecar = await startSidecar({
    config: loadSidecarConfig(env),
    proxyListen: { host: '127.0.0.1', port: 0 },
    adminListen: { host: '127.0.0.1', port: 0 },
    caDir,
    log: createLogger({ name: 'mcp-header-forward-sidecar', level: 'debug', destination: sink }),
    lookup: testLookup,
    shutdownGraceMs: 2_000,
    ...options,
  });
  return {
    sidecar,
    proxyUrl: `http://127.0.0.1:${sidecar.proxyAddress.port}`,
    adminUrl: `http://127.0.0.1:${sidecar.adminAddress.port}`,
    caDir,
    logs,
    close: async () => {
      await sidecar.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ProxiedResponse {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A plain-HTTP proxy request (absolute-form) from Node, body collected. */
export function proxyRequest(
  proxyUrl: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ProxiedResponse> {
  const proxy = new URL(proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: proxy.hostname, port: proxy.port, method: init.method ?? 'GET', path: url, headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Resolves with `value()` once it is truthy, polling; rejects after `ms` (generous, bounded waits). */
export async function eventually<T>(value: () => T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = value();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'mhf-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface CurlResult {
  status: number;
  body: string;
  stderr: string;
}

/** curl through the proxy; `tls` args pick what it trusts (--capath <sidecar CA dir>, --cacert <test CA>). */
export async function curl(proxyUrl: string, url: string, args: string[] = []): Promise<CurlResult> {
  return new Promise((resolve, reject) => {
    execFile(
      '/usr/bin/curl',
      ['-sS', '--max-time', '15', '-x', proxyUrl, '-w', '\n@@%{http_code}', ...args, url],
      { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout, stderr) => {
        const at = stdout.lastIndexOf('\n@@');
        if (at === -1) return reject(error ?? new Error(`curl printed no status: ${stderr}`));
        resolve({ status: Number(stdout.slice(at + 3)), body: stdout.slice(0, at), stderr });
      },
    );
  });
}
