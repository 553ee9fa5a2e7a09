import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretEnvVarName } from '../../../contract/envNames.js';
import { sealedPlaceholder } from '../../../contract/sealing.js';
import { resolveToolhiveBinary, type ResolvedToolhiveBinary } from '../harness/toolhiveBinaries.js';
import {
  injectScenario,
  PLAINTEXT_HEADER,
  PLAINTEXT_VALUE,
  runGateway,
  SECRET_HEADER,
  SECURE_ENTRY,
  startUpstreams,
  type RunningGateway,
  type Upstreams,
} from './gatewayScenario.js';
import { startUpstream, STREAMABLE_PATH, type Upstream } from './upstream.js';
import { gatewayToolName } from './vmcpConfig.js';

// Today's ToolHive (>= v0.27.2): the operator gives the vmcp container the header-forward env, Secret included, and
// vMCP adds the headers itself. Sealed mode (the injector's default) moves the Secret to the sidecar and leaves a
// placeholder: the real vMCP sends the placeholder, and only the sidecar, on the entry's route, puts the value in.

const SECRET_ENV = secretEnvVarName(SECURE_ENTRY, SECRET_HEADER);
const PLACEHOLDER = sealedPlaceholder(SECRET_ENV);

let vmcp: ResolvedToolhiveBinary;
let upstreams: Upstreams;
/** Another origin, plain HTTP, no credential needed: where a moved upstream sends vMCP. */
let elsewhere: Upstream;

beforeAll(async () => {
  vmcp = await resolveToolhiveBinary('vmcp', { log: (line) => console.log(`[vmcp e2e] ${line}`) });
  upstreams = await startUpstreams();
  elsewhere = await startUpstream({ label: 'elsewhere', address: new URL(upstreams.open.baseUrl('127.0.0.1')).hostname });
});

afterAll(async () => {
  await elsewhere?.close();
  await upstreams?.close();
});

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as { text?: string }[]).map((c) => c.text ?? '').join('');
}

async function sidecarMetrics(gateway: RunningGateway): Promise<string> {
  return (await fetch(`http://127.0.0.1:${gateway.injected.settings.adminPort}/metrics`)).text();
}

describe('sealed: vMCP forwards the headers itself, the Secret lives only in the sidecar', () => {
  let gateway: RunningGateway;
  let client: Client;
  let secureStart: number;

  beforeAll(async () => {
    secureStart = upstreams.secure.requests.length;
    gateway = await runGateway(upstreams, vmcp, { operatorEnv: true });
    client = new Client({ name: 'vmcp-sealed-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(gateway.stack.mcpUrl));
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('gives the vmcp container the placeholder and the sidecar the Secret', () => {
    expect(gateway.injected.plan.sealedEnv).toEqual([SECRET_ENV]);
    expect(gateway.stack.vmcp.spec.env[SECRET_ENV]).toBe(PLACEHOLDER);
    expect(gateway.stack.sidecar.spec.env[SECRET_ENV]).toBe(upstreams.apiKey);
  });

  it('calls a tool on the secured upstream: it saw the real value exactly once per request, and the plaintext header once', async () => {
    const result = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'sealed' } });
    expect(textOf(result)).toBe('secure: sealed');
    const requests = upstreams.secure.requests.slice(secureStart);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.status).toBe('accepted');
      expect(request.headers[SECRET_HEADER.toLowerCase()]).toEqual([upstreams.apiKey]);
      expect(request.headers[PLAINTEXT_HEADER.toLowerCase()]).toEqual([PLAINTEXT_VALUE]);
    }
    expect(await sidecarMetrics(gateway)).toMatch(
      new RegExp(`mcp_header_forward_sidecar_sealed_headers_total\\{route="e2e/${SECURE_ENTRY}",outcome="unsealed"\\} [1-9]`),
    );
  });

  it("never gives vMCP's process the value: /proc/<pid>/environ holds the placeholder", async () => {
    const environ = await readFile(`/proc/${gateway.stack.vmcp.process.pid}/environ`, 'utf8');
    expect(environ.split('\0')).toContain(`${SECRET_ENV}=${PLACEHOLDER}`);
    expect(environ).not.toContain(upstreams.apiKey);
  });

  it('sends only the placeholder where vMCP goes outside the entry: same origin, a path outside its remoteUrl', async () => {
    const secureStart = upstreams.secure.requests.length;
    // The upstream "moves" to /moved/mcp on the same host: vMCP follows the 307 there (it refuses other hosts).
    upstreams.secure.redirectTo('/moved');
    try {
      await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'moved' } }).catch(() => undefined);
    } finally {
      upstreams.secure.redirectTo(undefined);
    }
    const moved = upstreams.secure.requests.slice(secureStart).filter((r) => r.path === `/moved${STREAMABLE_PATH}`);
    expect(moved.length).toBeGreaterThan(0);
    for (const request of moved) expect(request.headers[SECRET_HEADER.toLowerCase()]).toEqual([PLACEHOLDER]);
    expect(await sidecarMetrics(gateway)).toMatch(
      /mcp_header_forward_sidecar_sealed_headers_total\{route="\(none\)",outcome="passed_through"\} [1-9]/,
    );
  });

  it('gets nothing to another host: vMCP refuses a cross-host redirect, and what would go there is only the placeholder', async () => {
    upstreams.secure.redirectTo(elsewhere.baseUrl(upstreams.hostname));
    let outcome: string;
    try {
      const result = await client.callTool({ name: gatewayToolName(SECURE_ENTRY, 'echo'), arguments: { message: 'other host' } });
      outcome = textOf(result);
    } finally {
      upstreams.secure.redirectTo(undefined);
    }
    expect(outcome).toMatch(/refusing cross-host redirect/);
    expect(JSON.stringify(elsewhere.requests)).not.toContain(upstreams.apiKey);
    for (const request of elsewhere.requests) expect(request.headers[SECRET_HEADER.toLowerCase()] ?? [PLACEHOLDER]).toEqual([PLACEHOLDER]);
  });

  it('keeps the value out of both logs', async () => {
    const logs = await gateway.stack.logs();
    expect(logs.sidecar.length + logs.vmcp.length).toBeGreaterThan(0);
    expect(logs.sidecar).not.toContain(upstreams.apiKey);
    expect(logs.vmcp).not.toContain(upstreams.apiKey);
  });
});

describe('defer: vMCP forwards every entry itself, so nothing is injected', () => {
  it('skips the pod, saying why', async () => {
    await expect(injectScenario(upstreams, { operatorEnv: true, toolhiveForwarding: 'defer' })).rejects.toThrow(
      /the injector skipped the fixture pod: vMCP forwards the headers of e2e\/secure-upstream itself .*--toolhive-forwarding=defer leaves nothing for a sidecar/,
    );
  });

  it('ignore: the sidecar adds every header again and vMCP keeps its Secret (today before sealing)', async () => {
    const { plan } = await injectScenario(upstreams, { operatorEnv: true, toolhiveForwarding: 'ignore' });
    expect(plan.sealedEnv).toEqual([]);
    const vmcpEnv = plan.pod.spec!.containers.find((c) => c.name === 'vmcp')!.env!;
    expect(vmcpEnv.find((e) => e.name === SECRET_ENV)?.valueFrom?.secretKeyRef).toBeDefined();
  });
});
