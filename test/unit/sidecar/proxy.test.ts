// The sidecar end to end on loopback: real upstreams (plain and TLS), curl and a Go net/http client
// configured exactly like vMCP (HTTP(S)_PROXY + SSL_CERT_DIR), plus the secret sentinel check.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../../../contract/envNames.js';
import { serializeRouteConfig, type RouteConfig } from '../../../contract/routes.js';
import { buildGoClient, goEnv, goGet, goStream } from './goclient.js';
import {
  createTestPki,
  curl,
  eventually,
  proxyRequest,
  runSidecar,
  startUpstream,
  tempDir,
  type RunningSidecar,
  type TestPki,
  type Upstream,
} from './harness.js';

const SECRET_TOKEN = `Bearer sentinel-${randomUUID()}`;
const SECRET_KEY = `sentinel-${randomUUID()}`;
const errorBodies: string[] = [];

let pki: TestPki;
let plain: Upstream;
let secure: Upstream;
let badCert: Upstream;
let run: RunningSidecar;
let goclient: string;
let removeTemp: () => Promise<void>;
const sse = { release: (): void => {} };

/** Upstream SSE requests whose connection closed before the response ended. */
const upstreamAborts: string[] = [];

/** SSE upstream handler: first event at once, the second only after the test saw the first (no buffering or deadlock). */
function sseHandler(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('data: one\n\n');
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  sse.release = release;
  res.once('close', () => {
    if (!res.writableFinished) upstreamAborts.push(req.url ?? '');
    release();
  });
  void gate.then(() => res.end('data: two\n\n'));
}

beforeAll(async () => {
  const temp = await tempDir();
  removeTemp = temp.remove;
  [pki, goclient] = await Promise.all([createTestPki(temp.path), buildGoClient()]);
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    if (req.url?.startsWith('/mcp/sse')) return sseHandler(req, res);
    if (req.url === '/sse' || req.url === '/sse/foreign') {
      // MCP's SSE transport: the first event names the message endpoint, outside the remoteUrl's path.
      const endpoint = req.url === '/sse' ? '/messages?sessionId=abc' : `http://other.test:${plain.port}/messages?sessionId=abc`;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`event: endpoint\ndata: ${endpoint}\n\n`);
      return;
    }
    if (req.url === '/mcp/hang') {
      // Never answers: only a cancelled upstream request ends it.
      res.once('close', () => upstreamAborts.push(req.url ?? ''));
      return;
    }
    if (req.url === '/mcp/redirect') {
      res.writeHead(302, { location: `http://other.test:${plain.port}/landing` }).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, headers: req.headers }));
  };
  [plain, secure, badCert] = await Promise.all([
    startUpstream(undefined, handler),
    startUpstream(pki.serverCert, handler),
    startUpstream(pki.untrustedCert),
  ]);
  const config: RouteConfig = {
    version: 1,
    routes: [
      {
        entry: 'tools/plain',
        remoteUrl: `http://mcp.test:${plain.port}/mcp`,
        plaintextHeaders: { 'X-Tenant': 'acme' },
        secretHeaders: { Authorization: secretEnvVarName('plain', 'Authorization') },
      },
      {
        entry: 'tools/sse',
        remoteUrl: `http://mcp.test:${plain.port}/sse`,
        plaintextHeaders: { 'X-Tenant': 'acme-sse' },
        secretHeaders: { Authorization: secretEnvVarName('plain', 'Authorization') },
      },
      {
        entry: 'tools/secure',
        remoteUrl: `https://mcp.test:${secure.port}/mcp`,
        plaintextHeaders: { 'X-Tenant': 'acme-tls' },
        secretHeaders: { 'X-Api-Key': secretEnvVarName('secure', 'X-Api-Key') },
        caBundleFile: pki.caFile,
      },
      {
        entry: 'tools/bad-cert',
        remoteUrl: `https://mcp.test:${badCert.port}/mcp`,
        plaintextHeaders: {},
        secretHeaders: { 'X-Api-Key': secretEnvVarName('secure', 'X-Api-Key') },
        caBundleFile: pki.caFile,
      },
    ],
  };
  run = await runSidecar({
    [ROUTES_ENV_VAR]: serializeRouteConfig(config),
    [secretEnvVarName('plain', 'Authorization')]: SECRET_TOKEN,
    [secretEnvVarName('secure', 'X-Api-Key')]: SECRET_KEY,
  });
}, 120_000);

afterAll(async () => {
  await run?.close();
  await Promise.all([plain?.close(), secure?.close(), badCert?.close()]);
  await removeTemp?.();
}, 30_000);

const lastSeen = (upstream: Upstream): Upstream['seen'][number] => upstream.seen.at(-1)!;

describe('plain HTTP (absolute-form)', () => {
  it('adds plaintext and secret headers to requests under the remoteUrl (curl)', async () => {
    const result = await curl(run.proxyUrl, `http://mcp.test:${plain.port}/mcp/tools?x=1`);
    expect(result.status).toBe(200);
    const seen = lastSeen(plain);
    expect(seen.url).toBe('/mcp/tools?x=1');
    expect(seen.headers['x-tenant']).toBe('acme');
    expect(seen.headers.authorization).toBe(SECRET_TOKEN);
    expect(seen.headers.host).toBe(`mcp.test:${plain.port}`);
    expect(seen.headers['proxy-connection']).toBeUndefined();
  });

  it.each(['/other', '/mcpx', '/'])('adds nothing on the routed host at %s', async (path) => {
    await curl(run.proxyUrl, `http://mcp.test:${plain.port}${path}`);
    const seen = lastSeen(plain);
    expect(seen.url).toBe(path);
    expect(seen.headers['x-tenant']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
  });

  it('forwards unrouted hosts unchanged, client headers included, proxy headers stripped', async () => {
    await curl(run.proxyUrl, `http://other.test:${plain.port}/mcp`, ['-H', 'X-Client: 1', '-H', 'Proxy-Authorization: Basic Zm9vOmJhcg==']);
    const seen = lastSeen(plain);
    expect(seen.headers['x-client']).toBe('1');
    expect(seen.headers['x-tenant']).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
  });

  it('never clobbers a header the client already sent', async () => {
    await curl(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`, ['-H', 'authorization: Bearer from-client']);
    const seen = lastSeen(plain);
    expect(seen.headers.authorization).toBe('Bearer from-client');
    expect(seen.headers['x-tenant']).toBe('acme');
  });

  it('streams request bodies upstream (POST)', async () => {
    const body = 'x'.repeat(200_000);
    const response = await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    expect(lastSeen(plain).headers['content-length']).toBe(String(body.length));
  });

  it('forwards an absolute-form https:// request over verified TLS, with the route headers', async () => {
    const response = await proxyRequest(run.proxyUrl, `https://mcp.test:${secure.port}/mcp`);
    expect(response.status).toBe(200);
    expect(lastSeen(secure).headers['x-api-key']).toBe(SECRET_KEY);
  });

  it('passes a HEAD response through without a body', async () => {
    const head = await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(lastSeen(plain).method).toBe('HEAD');
  });

  it('answers 400 to an origin-form request (not a proxy request)', async () => {
    const response = await proxyRequest(run.proxyUrl, '/mcp');
    errorBodies.push(response.body);
    expect(response.status).toBe(400);
  });

  it('answers 502 with a short reason when the upstream refuses the connection', async () => {
    const closed = await startUpstream(undefined);
    const port = closed.port;
    await closed.close();
    const response = await proxyRequest(run.proxyUrl, `http://other.test:${port}/`);
    errorBodies.push(response.body);
    expect(response.status).toBe(502);
    expect(response.body).toBe('Bad Gateway: upstream refused the connection\n');
  });
});

describe('HTTPS (CONNECT)', () => {
  it('intercepts routed hosts with the per-pod CA (curl --capath <ca dir>, via the hash file) and adds headers', async () => {
    const result = await curl(run.proxyUrl, `https://mcp.test:${secure.port}/mcp`, ['--capath', run.caDir]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(200);
    const seen = lastSeen(secure);
    expect(seen.headers['x-api-key']).toBe(SECRET_KEY);
    expect(seen.headers['x-tenant']).toBe('acme-tls');
  });

  it('intercepts with curl --cacert <ca dir>/ca.crt too', async () => {
    const result = await curl(run.proxyUrl, `https://mcp.test:${secure.port}/mcp/x`, ['--cacert', `${run.caDir}/ca.crt`]);
    expect(result.status).toBe(200);
    expect(lastSeen(secure).headers['x-api-key']).toBe(SECRET_KEY);
  });

  it('adds nothing on a routed host outside the path prefix', async () => {
    const result = await curl(run.proxyUrl, `https://mcp.test:${secure.port}/elsewhere`, ['--cacert', `${run.caDir}/ca.crt`]);
    expect(result.status).toBe(200);
    expect(lastSeen(secure).headers['x-api-key']).toBeUndefined();
  });

  it('blind-tunnels unrouted hosts: the client sees the upstream certificate and no header is added', async () => {
    // Trusting only the upstream's CA proves the sidecar did not terminate TLS.
    const result = await curl(run.proxyUrl, `https://other.test:${secure.port}/mcp`, ['--cacert', pki.caFile]);
    expect(result.status).toBe(200);
    const seen = lastSeen(secure);
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['x-tenant']).toBeUndefined();
  });

  it('answers 502 when the upstream certificate does not verify (never skips verification)', async () => {
    const result = await curl(run.proxyUrl, `https://mcp.test:${badCert.port}/mcp`, ['--cacert', `${run.caDir}/ca.crt`]);
    errorBodies.push(result.body);
    expect(result.status).toBe(502);
    expect(result.body).toMatch(/^Bad Gateway: upstream TLS verification failed \(/);
    expect(badCert.seen).toHaveLength(0);
  });

  it('answers 400 to a CONNECT without a port', async () => {
    const proxy = new URL(run.proxyUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: 'mcp.test' });
      req.on('connect', (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });
});

describe('Go net/http client configured like vMCP (ProxyFromEnvironment + SSL_CERT_DIR)', () => {
  it('gets headers added over HTTPS, trusting the sidecar CA through SSL_CERT_DIR', async () => {
    const result = await goGet(goclient, goEnv(run.proxyUrl, [run.caDir]), [
      '-X',
      'POST',
      '-d',
      '{"jsonrpc":"2.0"}',
      '-H',
      'Content-Type: application/json',
      `https://mcp.test:${secure.port}/mcp`,
    ]);
    expect(result.status).toBe(200);
    const seen = lastSeen(secure);
    expect(seen.method).toBe('POST');
    expect(seen.headers['x-api-key']).toBe(SECRET_KEY);
  });

  it('gets headers added over plain HTTP', async () => {
    const result = await goGet(goclient, goEnv(run.proxyUrl, [run.caDir]), [`http://mcp.test:${plain.port}/mcp`]);
    expect(result.status).toBe(200);
    expect(lastSeen(plain).headers.authorization).toBe(SECRET_TOKEN);
  });

  it('reaches unrouted HTTPS hosts through a blind tunnel', async () => {
    const result = await goGet(goclient, goEnv(run.proxyUrl, [run.caDir, pki.caDir]), [`https://other.test:${secure.port}/mcp`]);
    expect(result.status).toBe(200);
    expect(lastSeen(secure).headers['x-api-key']).toBeUndefined();
  });

  it('follows a redirect to another host without the route headers', async () => {
    const result = await goGet(goclient, goEnv(run.proxyUrl, [run.caDir]), [`http://mcp.test:${plain.port}/mcp/redirect`]);
    expect(result.status).toBe(200);
    const [redirect, landing] = plain.seen.slice(-2);
    expect(redirect!.url).toBe('/mcp/redirect');
    expect(redirect!.headers.authorization).toBe(SECRET_TOKEN);
    expect(landing!.url).toBe('/landing');
    expect(landing!.headers.host).toBe(`other.test:${plain.port}`);
    expect(landing!.headers.authorization).toBeUndefined();
    expect(landing!.headers['x-tenant']).toBeUndefined();
  });

  it('receives the first SSE event before the upstream closes the stream (HTTPS, intercepted)', async () => {
    const child = goStream(goclient, goEnv(run.proxyUrl, [run.caDir]), [`https://mcp.test:${secure.port}/mcp/sse`]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => out.includes('data: one'), 10_000, 'the first SSE event');
      expect(out).not.toContain('data: two');
      sse.release();
      await eventually(() => out.includes('data: two'), 10_000, 'the second SSE event');
      expect(await exited).toBe(0);
      expect(out.startsWith('STATUS 200\n')).toBe(true);
      expect(lastSeen(secure).headers['x-api-key']).toBe(SECRET_KEY);
    } finally {
      child.kill();
    }
  });
});

/** Opens an SSE request through the plain proxy; resolves when the first event arrived. */
function openStream(url: string, method = 'GET', body?: string): Promise<{ text: () => string; done: Promise<void>; destroy: () => void }> {
  const proxy = new URL(run.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: proxy.hostname,
        port: proxy.port,
        path: url,
        method,
        agent: false,
        headers: body ? { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } : {},
      },
      (res) => {
        let text = '';
        const done = new Promise<void>((ok) => res.once('end', ok));
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (text.includes('data: one')) resolve({ text: () => text, done, destroy: () => req.destroy() });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('streaming', () => {
  it('streams a streamable-http POST answered with SSE, event by event', async () => {
    const stream = await openStream(`http://mcp.test:${plain.port}/mcp/sse`, 'POST', '{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
    expect(stream.text()).not.toContain('data: two');
    sse.release();
    await stream.done;
    expect(stream.text()).toContain('data: two');
    expect(lastSeen(plain).headers.authorization).toBe(SECRET_TOKEN);
  });

  it('aborts the upstream request when the client disconnects', async () => {
    const before = plain.seen.length;
    const stream = await openStream(`http://mcp.test:${plain.port}/mcp/sse/abort`);
    expect(plain.seen.length).toBe(before + 1);
    stream.destroy();
    await eventually(() => upstreamAborts.includes('/mcp/sse/abort'), 10_000, 'the upstream request to be aborted');
  });

  it('aborts the upstream request when the client disconnects before response headers', async () => {
    const proxy = new URL(run.proxyUrl);
    const before = plain.seen.length;
    const req = request({ host: proxy.hostname, port: proxy.port, path: `http://mcp.test:${plain.port}/mcp/hang`, agent: false });
    req.on('error', () => {});
    req.end();
    await eventually(() => plain.seen.length > before, 10_000, 'the upstream to receive the request');
    req.destroy();
    await eventually(() => upstreamAborts.includes('/mcp/hang'), 10_000, 'the upstream request to be aborted');
  });

  it('carries 100 concurrent streams', async () => {
    const gates: Array<() => void> = [];
    const many = await startUpstream(undefined, (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      gates.push(() => res.end('data: two\n\n'));
    });
    try {
      const streams = await Promise.all(Array.from({ length: 100 }, (_, i) => openStream(`http://other.test:${many.port}/stream/${i}`)));
      expect(gates).toHaveLength(100);
      const metrics = await (await fetch(`${run.adminUrl}/metrics`)).text();
      expect(Number(/^mcp_header_forward_sidecar_open_streams (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(100);
      for (const open of gates) open();
      await Promise.all(streams.map((s) => s.done));
      for (const s of streams) expect(s.text()).toBe('data: one\n\ndata: two\n\n');
    } finally {
      await many.close();
    }
  });
});

describe('bad clients', () => {
  function rawExchange(payload: string | Buffer, connectFirst?: string): Promise<string> {
    const proxy = new URL(run.proxyUrl);
    return new Promise((resolve) => {
      const socket = connect(Number(proxy.port), proxy.hostname);
      let received = '';
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
        if (connectFirst !== undefined && received.includes('200 Connection Established\r\n\r\n') && !received.includes('@sent')) {
          received += '@sent';
          socket.write(payload);
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => resolve(received));
      socket.setTimeout(5_000, () => socket.destroy());
      socket.write(connectFirst !== undefined ? `CONNECT ${connectFirst} HTTP/1.1\r\nHost: ${connectFirst}\r\n\r\n` : payload);
    });
  }

  it('answers 400 to garbage and keeps serving', async () => {
    expect(await rawExchange('NOT HTTP AT ALL\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect((await curl(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`)).status).toBe(200);
  });

  it('survives a client that speaks garbage instead of TLS inside an intercepted tunnel', async () => {
    const received = await rawExchange(Buffer.from('this is not a TLS ClientHello\r\n\r\n'), `mcp.test:${secure.port}`);
    expect(received).toMatch(/^HTTP\/1\.1 200 Connection Established/);
    expect((await curl(run.proxyUrl, `https://mcp.test:${secure.port}/mcp`, ['--cacert', `${run.caDir}/ca.crt`])).status).toBe(200);
  });
});

describe('MCP SSE transport', () => {
  it('adds the route headers to the message endpoint the SSE stream announced (as ToolHive does), not elsewhere', async () => {
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/messages?sessionId=abc`, { method: 'POST', body: '{}' });
    expect(lastSeen(plain).headers['x-tenant']).toBeUndefined();
    const stream = await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/sse`);
    expect(stream.body).toBe('event: endpoint\ndata: /messages?sessionId=abc\n\n');
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/messages?sessionId=abc`, { method: 'POST', body: '{}' });
    expect(lastSeen(plain).headers['x-tenant']).toBe('acme-sse');
    expect(lastSeen(plain).headers.authorization).toBe(SECRET_TOKEN);
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/messagesx`, { method: 'POST', body: '{}' });
    expect(lastSeen(plain).headers['x-tenant']).toBeUndefined();
  });

  it('never learns an endpoint on another host', async () => {
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/sse/foreign`);
    expect(run.logs.some((line) => line.includes('ignored an SSE endpoint event pointing to another origin'))).toBe(true);
    await proxyRequest(run.proxyUrl, `http://other.test:${plain.port}/messages?sessionId=abc`, { method: 'POST', body: '{}' });
    expect(lastSeen(plain).headers['x-tenant']).toBeUndefined();
    expect(lastSeen(plain).headers.authorization).toBeUndefined();
  });
});

describe('admin server', () => {
  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${run.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${run.adminUrl}/readyz`)).status).toBe(200);
  });

  it('exports requests by route and outcome, upstream latency and tunnels', async () => {
    const metrics = await (await fetch(`${run.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/mcp_header_forward_sidecar_requests_total\{route="tools\/plain",outcome="forwarded"\} [1-9]/);
    expect(metrics).toMatch(/mcp_header_forward_sidecar_requests_total\{route="tools\/bad-cert",outcome="upstream_error"\} [1-9]/);
    expect(metrics).toMatch(/mcp_header_forward_sidecar_requests_total\{route="\(none\)",outcome="bad_request"\} [1-9]/);
    expect(metrics).toMatch(/mcp_header_forward_sidecar_upstream_duration_seconds_count\{route="tools\/secure"\} [1-9]/);
    expect(metrics).toMatch(/mcp_header_forward_sidecar_open_tunnels\{kind="(blind|intercepted)"\}/);
  });
});

describe('secrets never leak', () => {
  it('no log line, metric or error body holds a secret value (while header names are logged)', async () => {
    const metrics = await (await fetch(`${run.adminUrl}/metrics`)).text();
    const everything = [...run.logs, metrics, ...errorBodies];
    expect(run.logs.length).toBeGreaterThan(10);
    expect(run.logs.some((line) => line.includes('"X-Api-Key"'))).toBe(true);
    for (const secret of [SECRET_TOKEN, SECRET_KEY, SECRET_KEY.slice('sentinel-'.length)]) {
      for (const text of everything) expect(text).not.toContain(secret);
    }
  });
});
