import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize, ROUTES_ENV_VAR, secretEnvVarName, secretIdentifier } from '../../../contract/envNames.js';
import { CA_DIR, SYSTEM_CERT_DIR } from '../../../contract/sidecar.js';
import {
  OPEN_ENTRY,
  PLAINTEXT_HEADER,
  PLAINTEXT_VALUE,
  runGateway,
  SECRET_HEADER,
  SECURE_ENTRY,
  startUpstreams,
  type RunningGateway,
  type Upstreams,
} from './gatewayScenario.js';
import type { RecordedRequest, Upstream } from './upstream.js';
import { gatewayToolName } from './vmcpConfig.js';
import { resolveToolhiveBinary, type ResolvedToolhiveBinary } from '../harness/toolhiveBinaries.js';

// ToolHive's real vMCP gateway behind the real sidecar, both started from the pod the injector produced.
// The secure upstream answers 401 to any request without the Secret's header, so every successful call
// below went through the sidecar and had the header added there: vMCP itself is configured with none.

let vmcp: ResolvedToolhiveBinary;
let upstreams: Upstreams;

beforeAll(async () => {
  // No skip when Go is missing: resolveToolhiveBinary throws a message saying to install Go or set MCP_HF_VMCP_BIN.
  vmcp = await resolveToolhiveBinary('vmcp', { log: (line) => console.log(`[vmcp e2e] ${line}`) });
  upstreams = await startUpstreams();
});

afterAll(async () => {
  await upstreams?.close();
});

async function connect(gateway: RunningGateway): Promise<Client> {
  const client = new Client({ name: 'vmcp-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(gateway.stack.mcpUrl));
  return client;
}

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((c) => c.text ?? '').join('');
}

function since(upstream: Upstream, start: number): RecordedRequest[] {
  return upstream.requests.slice(start);
}

describe('vMCP behind the injected sidecar', () => {
  let gateway: RunningGateway;
  let client: Client;
  let secureStart: number;
  let openStart: number;

  beforeAll(async () => {
    secureStart = upstreams.secure.requests.length;
    openStart = upstreams.open.requests.length;
    gateway = await runGateway(upstreams, vmcp);
    client = await connect(gateway);
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('runs each process with exactly its injected container env: the secret only on the sidecar', () => {
    const { sidecar, vmcp: vmcpContainer } = gateway.stack;
    const secretEnv = secretEnvVarName(SECURE_ENTRY, SECRET_HEADER);
    expect(sidecar.spec.env[secretEnv]).toBe(upstreams.apiKey);
    expect(JSON.parse(sidecar.spec.env[ROUTES_ENV_VAR]!).routes.map((r: { entry: string }) => r.entry)).toEqual([`e2e/${SECURE_ENTRY}`]);
    const proxyUrl = `http://127.0.0.1:${gateway.injected.settings.proxyPort}`;
    const caHostDir = vmcpContainer.spec.volumes.find((v) => v.mountPath === CA_DIR)!.hostDir;
    expect(vmcpContainer.spec.env).toMatchObject({
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      SSL_CERT_DIR: `${SYSTEM_CERT_DIR}:${caHostDir}`,
    });
    expect(vmcpContainer.spec.env.NO_PROXY!.split(',')).not.toContain(upstreams.hostname);
    expect(Object.keys(vmcpContainer.spec.env).filter((k) => k.startsWith('TOOLHIVE_'))).toEqual([]);
  });

  it('lists the tools of both backends through vMCP', async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        gatewayToolName(SECURE_ENTRY, 'echo'),
        gatewayToolName(SECURE_ENTRY, 'countdown'),
        gatewayToolName(OPEN_ENTRY, 'echo'),
        gatewayToolName(OPEN_ENTRY, 'countdown'),
      ]),
    );
  });

  it('calls a tool on the secured upstream, which only answers when the sidecar added the Secret header', async () => {
    const result = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'through the sidecar' } });
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toBe('secure: through the sidecar');
  });

  it('delivered the Secret header and the plaintext header, once each, on every request to the secured upstream', () => {
    const requests = since(upstreams.secure, secureStart);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.status).toBe('accepted');
      expect(request.headers[SECRET_HEADER.toLowerCase()]).toEqual([upstreams.apiKey]);
      expect(request.headers[PLAINTEXT_HEADER.toLowerCase()]).toEqual([PLAINTEXT_VALUE]);
    }
  });

  it('leaves the upstream without headerForward untouched, over SSE', async () => {
    const result = await client.callTool({ name: gatewayToolName(OPEN_ENTRY, 'echo'), arguments: { message: 'plain' } });
    expect(textOf(result)).toBe('open: plain');
    const requests = since(upstreams.open, openStart);
    expect(requests.some((r) => r.method === 'GET' && r.path === '/sse')).toBe(true);
    for (const request of requests) {
      expect(request.headers).not.toHaveProperty(SECRET_HEADER.toLowerCase());
      expect(request.headers).not.toHaveProperty(PLAINTEXT_HEADER.toLowerCase());
    }
  });

  it.each([SECURE_ENTRY, OPEN_ENTRY])('streams progress notifications from %s to the client as they happen', async (entry) => {
    const progressAt: number[] = [];
    const result = await client.callTool(
      { name: gatewayToolName(entry, 'countdown'), arguments: { steps: 3, intervalMs: 400 } },
      undefined,
      {
        onprogress: () => progressAt.push(Date.now()),
        timeout: 30_000,
      },
    );
    const doneAt = Date.now();
    expect(textOf(result)).toMatch(/countdown of 3 done$/);
    expect(progressAt).toHaveLength(3);
    // Buffered anywhere (sidecar, vMCP), the notifications would arrive together with the result.
    expect(doneAt - progressAt[0]!).toBeGreaterThanOrEqual(800);
  });

  it('keeps serving the secured upstream (intercepted TLS) after the sidecar restarts: it reuses the CA vMCP loaded at start', async () => {
    await gateway.stack.restartSidecar();
    expect((await gateway.stack.logs()).sidecar).toContain('reusing the per-pod CA from the key dir');
    const result = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'after a restart' } });
    expect(textOf(result)).toBe('secure: after a restart');
  });

  it('control: a restart without --ca-key-dir makes a new CA, which the running vMCP does not trust', async () => {
    const withoutKeyDir = (args: readonly string[]): string[] =>
      args.filter((_, i) => args[i] !== '--ca-key-dir' && args[i - 1] !== '--ca-key-dir');
    await gateway.stack.restartSidecar(withoutKeyDir);
    const secureBefore = upstreams.secure.requests.length;
    const outcome = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'new CA' } }).then(
      (result) => (result.isError ? `tool error: ${textOf(result)}` : `unexpected success: ${textOf(result)}`),
      (error: unknown) => `error: ${String(error)}`,
    );
    // vMCP's own words: Go's verifier rejects the new CA's leaf (it trusts the CA it loaded at start).
    expect(outcome).toMatch(/^tool error: .*x509: certificate signed by unknown authority/);
    expect(upstreams.secure.requests.length).toBe(secureBefore);
  });

  it('never writes the Secret value to the sidecar or vMCP logs', async () => {
    const logs = await gateway.stack.logs();
    expect(logs.sidecar.length + logs.vmcp.length).toBeGreaterThan(0);
    expect(logs.sidecar).not.toContain(upstreams.apiKey);
    expect(logs.vmcp).not.toContain(upstreams.apiKey);
  });
});

describe('vMCP forwarding the same headers itself (ToolHive operator env) alongside the sidecar', () => {
  let gateway: RunningGateway;
  let client: Client;
  let secureStart: number;

  beforeAll(async () => {
    secureStart = upstreams.secure.requests.length;
    const identifier = secretIdentifier(SECURE_ENTRY, SECRET_HEADER);
    // What ToolHive's operator puts on the vmcp container (pkg/vmcp/headerforward/wirefmt): a manifest per
    // backend plus the Secret value; the plaintext value differs from the entry's on purpose.
    const vmcpExtraEnv = {
      [`TOOLHIVE_HEADER_FORWARD_${normalize(SECURE_ENTRY)}`]: JSON.stringify({
        addPlaintextHeaders: { [PLAINTEXT_HEADER]: 'set-by-vmcp' },
        addHeadersFromSecret: { [SECRET_HEADER]: identifier },
      }),
      [secretEnvVarName(SECURE_ENTRY, SECRET_HEADER)]: upstreams.apiKey,
    };
    gateway = await runGateway(upstreams, vmcp, { vmcpEnv: (env) => ({ ...env, ...vmcpExtraEnv }) });
    client = await connect(gateway);
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('sends each header exactly once: the value vMCP set wins, the sidecar adds only what is missing', async () => {
    const result = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'both' } });
    expect(textOf(result)).toBe('secure: both');
    const requests = since(upstreams.secure, secureStart);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.headers[SECRET_HEADER.toLowerCase()]).toEqual([upstreams.apiKey]);
      expect(request.headers[PLAINTEXT_HEADER.toLowerCase()]).toEqual(['set-by-vmcp']);
    }
  });

  it('keeps the Secret value out of both logs here too, though vMCP now holds it as well', async () => {
    const logs = await gateway.stack.logs();
    expect(logs.sidecar).not.toContain(upstreams.apiKey);
    expect(logs.vmcp).not.toContain(upstreams.apiKey);
  });
});

describe('control: vMCP bypassing the sidecar', () => {
  let gateway: RunningGateway;
  let client: Client;
  let secureStart: number;
  let cleanup: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    secureStart = upstreams.secure.requests.length;
    // Same pod, but the upstreams' name added to NO_PROXY: vMCP dials them directly, as without injection.
    // It also trusts the upstream's test CA, so the only thing missing is what the sidecar adds: the headers.
    const caBundleDir = await mkdtemp(join(tmpdir(), 'mcp-hf-upstream-ca-'));
    await writeFile(join(caBundleDir, 'upstream-ca.crt'), upstreams.caPem);
    cleanup = () => rm(caBundleDir, { recursive: true, force: true });
    const bypass = (env: Readonly<Record<string, string>>): Record<string, string> => ({
      ...env,
      NO_PROXY: `${env.NO_PROXY},${upstreams.hostname}`,
      no_proxy: `${env.no_proxy},${upstreams.hostname}`,
      SSL_CERT_DIR: `${env.SSL_CERT_DIR}:${caBundleDir}`,
    });
    gateway = await runGateway(upstreams, vmcp, { vmcpEnv: bypass });
    client = await connect(gateway);
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    await cleanup?.();
  });

  it('cannot use the secured upstream: it refuses every request, which carries neither header', async () => {
    const call = client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'direct' } }).then(
      (result) => (result.isError ? textOf(result) : `unexpected success: ${textOf(result)}`),
      (error: unknown) => String(error),
    );
    expect(await call).not.toMatch(/^unexpected success/);
    const requests = since(upstreams.secure, secureStart);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.status).toBe('rejected');
      expect(request.headers).not.toHaveProperty(SECRET_HEADER.toLowerCase());
    }
  });
});
