import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SSE_PATH, STREAMABLE_PATH, startUpstream, type Upstream } from './upstream.js';

// The upstream itself, spoken to directly: it must really refuse a request without the credential, or the
// gateway e2e could pass without the sidecar doing anything.
const credential = { name: 'X-Api-Key', value: 'upstream-test-key' };
let upstream: Upstream | undefined;

afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

async function connect(url: URL, transport: 'streamable-http' | 'sse', headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: 'upstream-test', version: '1.0.0' });
  const requestInit = { headers };
  await client.connect(
    transport === 'sse'
      ? new SSEClientTransport(url, {
          requestInit,
          eventSourceInit: { fetch: (u, init) => fetch(u, { ...init, headers: { ...init?.headers, ...headers } }) },
        })
      : new StreamableHTTPClientTransport(url, { requestInit }),
  );
  return client;
}

describe('the recording upstream MCP server', () => {
  it.each(['streamable-http', 'sse'] as const)('serves tools over %s when the credential header is present', async (transport) => {
    upstream = await startUpstream({ label: 'secure', requiredHeader: credential });
    const path = transport === 'sse' ? SSE_PATH : STREAMABLE_PATH;
    const client = await connect(new URL(path, upstream.baseUrl('127.0.0.1')), transport, { [credential.name]: credential.value });
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['countdown', 'echo']);
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'secure: hi' }]);
    await client.close();
    expect(upstream.requests.every((r) => r.status === 'accepted' && r.headers['x-api-key']?.[0] === credential.value)).toBe(true);
  });

  it('answers 401 and records the request when the credential header is missing', async () => {
    upstream = await startUpstream({ label: 'secure', requiredHeader: credential });
    await expect(connect(new URL(STREAMABLE_PATH, upstream.baseUrl('127.0.0.1')), 'streamable-http', {})).rejects.toThrow(
      /missing or wrong X-Api-Key header/,
    );
    expect(upstream.requests.map((r) => r.status)).toEqual(['rejected']);
  });

  it('answers 401 when the credential header carries two values', async () => {
    upstream = await startUpstream({ label: 'secure', requiredHeader: credential });
    const response = await fetch(new URL(STREAMABLE_PATH, upstream.baseUrl('127.0.0.1')), {
      method: 'POST',
      headers: [
        ['x-api-key', credential.value],
        ['x-api-key', credential.value],
      ],
    });
    expect(response.status).toBe(401);
  });

  it('streams progress notifications before the result', async () => {
    upstream = await startUpstream({ label: 'open' });
    const client = await connect(new URL(STREAMABLE_PATH, upstream.baseUrl('127.0.0.1')), 'streamable-http', {});
    const progressAt: number[] = [];
    const result = await client.callTool({ name: 'countdown', arguments: { steps: 3, intervalMs: 200 } }, undefined, {
      onprogress: () => progressAt.push(Date.now()),
    });
    const doneAt = Date.now();
    expect(result.content).toEqual([{ type: 'text', text: 'open: countdown of 3 done' }]);
    expect(progressAt).toHaveLength(3);
    expect(doneAt - progressAt[0]!).toBeGreaterThanOrEqual(500);
    await client.close();
  });
});
