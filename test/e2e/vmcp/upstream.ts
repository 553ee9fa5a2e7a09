import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

// A real remote MCP server for the gateway e2e: the official SDK on both transports (streamable-http at
// /mcp, SSE at /sse + /messages), recording the headers of every request it receives and answering 401
// when the credential header the sidecar is supposed to add is missing or wrong.

export const STREAMABLE_PATH = '/mcp';
export const SSE_PATH = '/sse';
export const SSE_MESSAGES_PATH = '/messages';

export interface RequiredHeader {
  name: string;
  value: string;
}

export interface UpstreamOptions {
  /** Prefix of the tool results, so a caller can tell which backend answered. */
  label: string;
  /** Serve HTTPS with this certificate; plain HTTP when absent. */
  tls?: { certPem: string; keyPem: string };
  /** Every request lacking exactly this header value is answered 401 before any MCP handling. */
  requiredHeader?: RequiredHeader;
  /** Address to listen on (default 127.0.0.1; a pod listens on 0.0.0.0). */
  address?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
  /** Called with each request as recorded (a pod logs it). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case names; every value as received, so a header sent twice shows up as two values. */
  headers: Record<string, string[]>;
  status: 'accepted' | 'rejected';
}

export interface Upstream {
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Base URL under `hostname` (the name vMCP and the sidecar use for it). */
  baseUrl(hostname: string): string;
  /**
   * While set, every accepted request is answered `307 Location: <base><path>` (a server that moved): `base` is
   * another origin, or a path prefix on this one (requests already under it are served, so no loop).
   */
  redirectTo(base: string | undefined): void;
  close(): Promise<void>;
}

/** The MCP server behind one session: `echo` for plain calls, `countdown` for a stream of progress notifications. */
function buildMcpServer(label: string): McpServer {
  const server = new McpServer({ name: `upstream-${label}`, version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: `Echo a message back from the ${label} upstream`, inputSchema: { message: z.string() } },
    ({ message }) => ({ content: [{ type: 'text', text: `${label}: ${message}` }] }),
  );
  server.registerTool(
    'countdown',
    {
      description: 'Send one progress notification per step, spaced in time, then answer',
      inputSchema: { steps: z.number().int().min(1).max(20), intervalMs: z.number().int().min(0).max(5000) },
    },
    async ({ steps, intervalMs }, extra) => {
      const progressToken = extra._meta?.progressToken;
      for (let step = 1; step <= steps; step++) {
        if (progressToken !== undefined) {
          await extra.sendNotification({
            method: 'notifications/progress',
            params: { progressToken, progress: step, total: steps, message: `${label} step ${step}` },
          });
        }
        await sleep(intervalMs);
      }
      return { content: [{ type: 'text', text: `${label}: countdown of ${steps} done` }] };
    },
  );
  return server;
}

function isAuthorized(req: IncomingMessage, required: RequiredHeader | undefined): boolean {
  if (required === undefined) return true;
  const values = req.headersDistinct[required.name.toLowerCase()] ?? [];
  return values.length === 1 && values[0] === required.value;
}

function reject(res: ServerResponse, required: RequiredHeader): void {
  res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `ApiKey header="${required.name}"` });
  res.end(JSON.stringify({ error: `missing or wrong ${required.name} header` }));
}

export async function startUpstream(options: UpstreamOptions): Promise<Upstream> {
  const requests: RecordedRequest[] = [];
  const sseSessions = new Map<string, SSEServerTransport>();
  let redirectBase: string | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    const authorized = isAuthorized(req, options.requiredHeader);
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      headers: Object.fromEntries(Object.entries(req.headersDistinct).map(([k, v]) => [k, v ?? []])),
      status: authorized ? 'accepted' : 'rejected',
    };
    requests.push(recorded);
    options.onRequest?.(recorded);
    if (!authorized && options.requiredHeader) return reject(res, options.requiredHeader);
    if (redirectBase !== undefined && !url.pathname.startsWith(`${redirectBase}/`)) {
      res.writeHead(307, { location: `${redirectBase}${url.pathname}${url.search}`, 'content-length': '0' }).end();
      return;
    }

    if (url.pathname === STREAMABLE_PATH) {
      // Stateless: one server + transport per HTTP request; progress still streams on the POST's SSE response.
      const server = buildMcpServer(options.label);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
      return;
    }
    if (url.pathname === SSE_PATH && req.method === 'GET') {
      const transport = new SSEServerTransport(SSE_MESSAGES_PATH, res);
      sseSessions.set(transport.sessionId, transport);
      res.on('close', () => sseSessions.delete(transport.sessionId));
      await buildMcpServer(options.label).connect(transport);
      return;
    }
    if (url.pathname === SSE_MESSAGES_PATH && req.method === 'POST') {
      const transport = sseSessions.get(url.searchParams.get('sessionId') ?? '');
      if (transport === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('unknown SSE session');
        return;
      }
      await transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no MCP endpoint at ${url.pathname}`);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`upstream ${options.label} failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.certPem, key: options.tls.keyPem }, listener)
    : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.address ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';

  return {
    port,
    requests,
    baseUrl: (hostname) => `${scheme}://${hostname}:${port}`,
    redirectTo: (base) => {
      redirectBase = base;
    },
    async close(): Promise<void> {
      for (const transport of sseSessions.values()) await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
