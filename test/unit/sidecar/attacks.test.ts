// The sidecar attacked from loopback as a hostile workload would (issue 19): path tricks inside intercepted
// tunnels, clients that never finish a handshake or a request head, TRACE, forged Forwarded headers, endpoint
// learning from the wrong stream, userinfo in a remoteUrl. Each case failed before its fix.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../../../contract/envNames.js';
import { serializeRouteConfig, type RouteConfig } from '../../../contract/routes.js';
import { CA_CERT_FILE } from '../../../contract/sidecar.js';
import {
  createTestPki,
  eventually,
  proxyRequest,
  runSidecar,
  startUpstream,
  tempDir,
  type RunningSidecar,
  type TestPki,
  type Upstream,
} from './harness.js';

const SECRET = `sentinel-${randomUUID()}`;
const HEADER = 'X-Api-Key';

let pki: TestPki;
let secure: Upstream;
let plain: Upstream;
let run: RunningSidecar;
let sidecarCa: string;
let removeTemp: () => Promise<void>;

beforeAll(async () => {
  const temp = await tempDir();
  removeTemp = temp.remove;
  pki = await createTestPki(temp.path);
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: endpoint\ndata: /messages\n\n');
      return;
    }
    if (req.url === '/messages') {
      // A learned endpoint that itself streams an `endpoint` event must not teach another path.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: endpoint\ndata: /admin\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url }));
  };
  [secure, plain] = await Promise.all([startUpstream(pki.serverCert, handler), startUpstream(undefined, handler)]);
  const config: RouteConfig = {
    version: 1,
    routes: [
      {
        entry: 'tools/secure',
        remoteUrl: `https://mcp.test:${secure.port}/mcp`,
        plaintextHeaders: {},
        secretHeaders: { [HEADER]: secretEnvVarName('secure', HEADER) },
        caBundleFile: pki.caFile,
      },
      {
        entry: 'tools/plain',
        remoteUrl: `http://user:hunter2@mcp.test:${plain.port}/mcp`,
        plaintextHeaders: {},
        secretHeaders: { [HEADER]: secretEnvVarName('secure', HEADER) },
      },
      {
        entry: 'tools/sse',
        remoteUrl: `http://mcp.test:${plain.port}/sse`,
        plaintextHeaders: {},
        secretHeaders: { [HEADER]: secretEnvVarName('secure', HEADER) },
      },
    ],
  };
  run = await runSidecar(
    { [ROUTES_ENV_VAR]: serializeRouteConfig(config), [secretEnvVarName('secure', HEADER)]: SECRET },
    { timeouts: { tlsHandshakeMs: 600, headersMs: 600, checkIntervalMs: 100 } },
  );
  sidecarCa = await readFile(join(run.caDir, CA_CERT_FILE), 'utf8');
}, 60_000);

afterAll(async () => {
  await run?.close();
  await Promise.all([secure?.close(), plain?.close()]);
  await removeTemp?.();
});

/** CONNECT to the routed host, then TLS trusting the sidecar's CA: the socket a client speaks HTTP on. */
async function interceptedTunnel(port = secure.port): Promise<TLSSocket> {
  const raw = await openTunnel(`mcp.test:${port}`);
  return new Promise((resolve, reject) => {
    const tls = tlsConnect({ socket: raw, servername: 'mcp.test', ca: sidecarCa }, () => resolve(tls));
    tls.once('error', reject);
  });
}

function openTunnel(authority: string): Promise<Socket> {
  const proxy = new URL(run.proxyUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(proxy.port), proxy.hostname, () =>
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`),
    );
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (head.startsWith('HTTP/1.1 200')) resolve(socket);
      else reject(new Error(`CONNECT refused: ${head}`));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** One raw request on a socket (the request line written as given), the response's status line and body. */
function rawRequest(socket: Socket | TLSSocket, requestLine: string, headers: string[] = []): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), body });
    });
    socket.once('error', reject);
    socket.write(`${requestLine}\r\nHost: mcp.test\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`);
  });
}

function closedWithin(socket: Socket | TLSSocket, ms: number): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
    socket.on('error', () => {});
    // Read what the server says (a 408) so its close reaches us.
    socket.resume();
  });
}

describe('intercepted HTTPS forwards exactly the path it routed on', () => {
  it.each([
    ['GET /x/../mcp/tools HTTP/1.1', '/mcp/tools'],
    ['GET /%2e%2e/mcp/tools HTTP/1.1', '/mcp/tools'],
    ['GET /mcp/./tools?x=1 HTTP/1.1', '/mcp/tools?x=1'],
  ])('%s arrives as %s, with the Secret', async (line, path) => {
    const before = secure.seen.length;
    const response = await rawRequest(await interceptedTunnel(), line);
    expect(response.status).toBe(200);
    const seen = secure.seen.slice(before);
    expect(seen.map((s) => s.url)).toEqual([path]);
    expect(seen[0]!.headers[HEADER.toLowerCase()]).toBe(SECRET);
  });

  it('sends /mcp/../admin as /admin, without the Secret (outside the prefix)', async () => {
    const before = secure.seen.length;
    await rawRequest(await interceptedTunnel(), 'GET /mcp/../admin HTTP/1.1');
    const seen = secure.seen.slice(before);
    expect(seen.map((s) => s.url)).toEqual(['/admin']);
    expect(seen[0]!.headers).not.toHaveProperty(HEADER.toLowerCase());
  });

  it.each([
    ['GET /mcp#/../admin HTTP/1.1', 'fragment'],
    ['GET /mcp/..;/admin HTTP/1.1', 'dot segment with ;parameters'],
    ['GET /mcp/%2e%2e;x/admin HTTP/1.1', 'dot segment with ;parameters'],
    ['GET /mcp%2f..%2fadmin HTTP/1.1', 'encoded /'],
    ['GET /mcp%5c..%5cadmin HTTP/1.1', 'encoded /'],
    ['GET /mcp\\..\\admin HTTP/1.1', 'backslash'],
  ])('refuses %s (400, nothing upstream): an upstream could read another path', async (line, why) => {
    const before = secure.seen.length;
    const response = await rawRequest(await interceptedTunnel(), line);
    expect(response.status).toBe(400);
    expect(response.body).toContain(why);
    expect(secure.seen.length).toBe(before);
  });

  it('refuses the same tricks in plain HTTP (absolute-form) on a routed origin', async () => {
    const before = plain.seen.length;
    const response = await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/mcp/..;/admin`);
    expect(response.status).toBe(400);
    expect(plain.seen.length).toBe(before);
  });
});

describe('timeouts on intercepted connections, as on plain ones', () => {
  it('cuts a CONNECT tunnel that never sends a ClientHello', async () => {
    const raw = await openTunnel(`mcp.test:${secure.port}`);
    expect(await closedWithin(raw, 5_000)).toBeLessThan(5_000);
  });

  it('cuts a TLS connection that never sends a request', async () => {
    const tls = await interceptedTunnel();
    expect(await closedWithin(tls, 5_000)).toBeLessThan(5_000);
  });

  it('cuts a TLS connection that sends half a request head', async () => {
    const tls = await interceptedTunnel();
    tls.write('GET /mcp HTTP/1.1\r\nHost: mcp.test\r\nX-Slow: ');
    expect(await closedWithin(tls, 5_000)).toBeLessThan(5_000);
  });

  it('cuts a plain connection that sends half a request head (the same server)', async () => {
    const proxy = new URL(run.proxyUrl);
    const socket = connect(Number(proxy.port), proxy.hostname);
    socket.write(`GET http://mcp.test:${plain.port}/mcp HTTP/1.1\r\nHost: mcp.test\r\nX-Slow: `);
    expect(await closedWithin(socket, 5_000)).toBeLessThan(5_000);
  });
});

describe('smaller leaks', () => {
  it('refuses TRACE to a routed URL (it would echo the Secret back) and forwards it elsewhere', async () => {
    const before = plain.seen.length;
    const routed = await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`, { method: 'TRACE' });
    expect(routed.status).toBe(405);
    expect(plain.seen.length).toBe(before);
    const unrouted = await proxyRequest(run.proxyUrl, `http://other.test:${plain.port}/trace`, { method: 'TRACE' });
    expect(unrouted.status).toBe(200);
  });

  it('strips client-sent Forwarded and X-Forwarded-* next to the Secret, keeps them elsewhere', async () => {
    const forged = {
      Forwarded: 'for=1.2.3.4;host=evil.test',
      'X-Forwarded-Host': 'evil.test',
      'X-Forwarded-For': '1.2.3.4',
      'X-Real-Ip': '1.2.3.4',
    };
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/mcp`, { headers: forged });
    const routed = plain.seen.at(-1)!.headers;
    expect(routed[HEADER.toLowerCase()]).toBe(SECRET);
    for (const name of ['forwarded', 'x-forwarded-host', 'x-forwarded-for', 'x-real-ip']) expect(routed).not.toHaveProperty(name);
    await proxyRequest(run.proxyUrl, `http://other.test:${plain.port}/x`, { headers: forged });
    expect(plain.seen.at(-1)!.headers['x-forwarded-host']).toBe('evil.test');
  });

  it("learns an SSE endpoint only from the route's own stream, never from a learned endpoint's stream", async () => {
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/sse`);
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/messages`);
    expect(plain.seen.at(-1)!.headers[HEADER.toLowerCase()]).toBe(SECRET);
    await proxyRequest(run.proxyUrl, `http://mcp.test:${plain.port}/admin`);
    expect(plain.seen.at(-1)!.url).toBe('/admin');
    expect(plain.seen.at(-1)!.headers).not.toHaveProperty(HEADER.toLowerCase());
  });

  it('never logs the userinfo of a remoteUrl', async () => {
    await eventually(() => run.logs.find((l) => l.includes('sidecar ready')));
    expect(run.logs.join('\n')).not.toContain('hunter2');
    expect(run.logs.find((l) => l.includes('sidecar ready'))).toContain(`http://mcp.test:${plain.port}/mcp`);
  });

  it('holds no Secret value in any log line', () => {
    expect(run.logs.join('\n')).not.toContain(SECRET);
  });
});

describe('memory bounded by connection limits', () => {
  it('answers the tunnel over --max-intercepted-connections with 503, counts it, and serves again once one closes', async () => {
    const config: RouteConfig = {
      version: 1,
      routes: [
        {
          entry: 'tools/secure',
          remoteUrl: `https://mcp.test:${secure.port}/mcp`,
          plaintextHeaders: {},
          secretHeaders: { [HEADER]: secretEnvVarName('secure', HEADER) },
          caBundleFile: pki.caFile,
        },
      ],
    };
    const limited = await runSidecar(
      { [ROUTES_ENV_VAR]: serializeRouteConfig(config), [secretEnvVarName('secure', HEADER)]: SECRET },
      { limits: { intercepted: 2 } },
    );
    try {
      const connectVia = (authority: string): Promise<{ socket: Socket; head: string }> => {
        const proxy = new URL(limited.proxyUrl);
        return new Promise((resolve, reject) => {
          const socket = connect(Number(proxy.port), proxy.hostname, () =>
            socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`),
          );
          socket.once('data', (chunk: Buffer) => resolve({ socket, head: chunk.toString('latin1') }));
          socket.once('error', reject);
        });
      };
      const first = await connectVia(`mcp.test:${secure.port}`);
      const second = await connectVia(`mcp.test:${secure.port}`);
      const third = await connectVia(`mcp.test:${secure.port}`);
      expect([first.head, second.head].every((h) => h.startsWith('HTTP/1.1 200'))).toBe(true);
      expect(third.head).toMatch(/^HTTP\/1\.1 503 Service Unavailable[\s\S]*too many intercepted connections \(limit 2/);
      const blind = await connectVia(`other.test:${plain.port}`);
      expect(blind.head).toMatch(/^HTTP\/1\.1 200/);
      const metrics = await (await fetch(`${limited.adminUrl}/metrics`)).text();
      expect(metrics).toMatch(/mcp_header_forward_sidecar_refused_connections_total\{reason="max_intercepted"\} 1/);
      first.socket.destroy();
      // The slot frees when the server sees the close: poll until a new tunnel is accepted.
      let fourth = await connectVia(`mcp.test:${secure.port}`);
      for (let i = 0; i < 50 && !fourth.head.startsWith('HTTP/1.1 200'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        fourth = await connectVia(`mcp.test:${secure.port}`);
      }
      expect(fourth.head).toMatch(/^HTTP\/1\.1 200/);
      for (const c of [second, third, blind, fourth]) c.socket.destroy();
    } finally {
      await limited.close();
    }
  });
});
