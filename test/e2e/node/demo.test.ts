import { afterAll, describe, expect, it } from 'vitest';
import { runNodeDemo, type NodeDemoResult } from './demo.js';
import { realNode } from './realNode.js';
import { nodeScenario, OVERLAY } from './scenario.js';

// `make demo` on a real node, its steps run on the suite's node: the story a person sees, checked line by line.
const node = realNode();

describe.skipIf(node === undefined)('make demo on a real node', () => {
  let demo: NodeDemoResult | undefined;
  const lines: string[] = [];

  afterAll(async () => {
    // Leave the node as the other files expect it: the demo's namespace gone (while ToolHive's operator still runs to
    // remove its finalizers), then nothing of ours installed.
    const scenario = nodeScenario(node!, 'demo');
    await scenario.kubectl(['delete', 'namespace', 'demo', '--ignore-not-found', '--wait=true', '--timeout=120s']);
    await demo?.cleanUp();
    await scenario.kubectl([
      'delete',
      'validatingwebhookconfiguration,mutatingwebhookconfiguration',
      'mcp-header-forward',
      '--ignore-not-found',
    ]);
    await scenario.kubectl(['delete', '-k', OVERLAY, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    await scenario.waitUninstalled();
  });

  it('installs, rejects then admits the entry, shows the sealed pod the operator made, and calls a tool whose upstream got the header', async () => {
    demo = await runNodeDemo(node!, (text) => void lines.push(text));
    const text = lines.join('');
    expect(text).toContain('Step 5/5: An MCP tool call through vMCP');
    expect(text).toMatch(
      /denied the request: MCPServerEntry demo\/secure-upstream has 1 problem:\n.*spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "upstream-credentials" not found/,
    );
    expect(text).toContain('mcpserverentry.toolhive.stacklok.dev/secure-upstream created');
    expect(text).toContain('initContainer header-forward-proxy restartPolicy=Always');
    expect(text).toContain(
      'vmcp: TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_SECURE_UPSTREAM=mcp-header-forward.dev/sealed:TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_SECURE_UPSTREAM',
    );
    expect(text).toContain('sidecar: TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_SECURE_UPSTREAM <- secret upstream-credentials/api-key');
    expect(text).toContain("upstream received X-Api-Key: 1 value(s), the Secret's value (digest matches); X-Tenant: acme");
    expect(text).not.toMatch(/demo-[0-9a-f]{24}/);
  });
});
