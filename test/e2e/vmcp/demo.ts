import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  OPEN_ENTRY,
  PLAINTEXT_HEADER,
  runGateway,
  SECRET_HEADER,
  SECURE_ENTRY,
  startUpstreams,
  type RunningGateway,
  type Upstreams,
} from './gatewayScenario.js';
import { gatewayToolName } from './vmcpConfig.js';
import { findToolhiveBinary, PREBUILT_ENV } from '../harness/toolhiveBinaries.js';

// The real-gateway leg of `make demo`: one request through ToolHive's vMCP and the injected sidecar,
// narrated. Never builds vMCP (minutes): without a cached binary it says so in one line and returns.

export interface GatewayDemoResult {
  ran: boolean;
  /** Why it did not run, when it did not. */
  reason?: string;
}

function headerSummary(values: readonly string[] | undefined, expected: string, secret: boolean): string {
  if (values === undefined) return 'absent';
  const shown = secret ? `${values.map((v) => `<${v.length} chars>`).join(', ')}` : values.join(', ');
  return `${shown} (${values.length === 1 && values[0] === expected ? 'as configured, once' : 'UNEXPECTED'})`;
}

export async function runGatewayDemo(options: { log: (line: string) => void; env?: NodeJS.ProcessEnv }): Promise<GatewayDemoResult> {
  const { log } = options;
  const vmcp = await findToolhiveBinary('vmcp', options.env);
  if (vmcp === undefined) {
    const reason = `no vmcp binary built yet: run \`make e2e\` once (builds ToolHive vMCP from Go, about 7 minutes) or set ${PREBUILT_ENV.vmcp}`;
    log(`real gateway: skipped, ${reason}`);
    return { ran: false, reason };
  }
  let upstreams: Upstreams | undefined;
  let gateway: RunningGateway | undefined;
  let client: Client | undefined;
  try {
    upstreams = await startUpstreams();
    log(`real gateway: ToolHive vMCP ${vmcp.version} (${vmcp.path})`);
    log(
      `  upstreams: ${upstreams.secure.baseUrl(upstreams.hostname)} (HTTPS, 401 without ${SECRET_HEADER}), ${upstreams.open.baseUrl(upstreams.hostname)} (SSE, no headerForward)`,
    );
    gateway = await runGateway(upstreams, vmcp, { log: (line) => log(`  started ${line}`) });
    client = new Client({ name: 'mcp-header-forward-demo', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(gateway.stack.mcpUrl));
    const tools = (await client.listTools()).tools.map((t) => t.name);
    log(`  MCP client -> vMCP ${gateway.stack.mcpUrl.href}: tools ${tools.join(', ')}`);
    const secureStart = upstreams.secure.requests.length;
    const openStart = upstreams.open.requests.length;
    const secure = await client.callTool({
      name: gatewayToolName(SECURE_ENTRY, 'echo'),
      arguments: { message: 'hello through the sidecar' },
    });
    const open = await client.callTool({ name: gatewayToolName(OPEN_ENTRY, 'echo'), arguments: { message: 'hello' } });
    const text = (r: typeof secure): string => (r.content as { text?: string }[]).map((c) => c.text ?? '').join('');
    log(`  ${gatewayToolName(SECURE_ENTRY, 'echo')} -> "${text(secure)}"; ${gatewayToolName(OPEN_ENTRY, 'echo')} -> "${text(open)}"`);
    const lastSecure = upstreams.secure.requests.slice(secureStart).at(-1);
    const lastOpen = upstreams.open.requests.slice(openStart).at(-1);
    log(
      `  secure upstream saw ${SECRET_HEADER}: ${headerSummary(lastSecure?.headers[SECRET_HEADER.toLowerCase()], upstreams.apiKey, true)}, ${PLAINTEXT_HEADER}: ${headerSummary(lastSecure?.headers[PLAINTEXT_HEADER.toLowerCase()], 'acme', false)}`,
    );
    log(
      `  open upstream saw ${SECRET_HEADER}: ${lastOpen?.headers[SECRET_HEADER.toLowerCase()] ? 'PRESENT (unexpected)' : 'absent'}, ${PLAINTEXT_HEADER}: ${lastOpen?.headers[PLAINTEXT_HEADER.toLowerCase()] ? 'PRESENT (unexpected)' : 'absent'}`,
    );
    return { ran: true };
  } finally {
    await client?.close();
    await gateway?.stop();
    await upstreams?.close();
  }
}
