import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGatewayDemo } from './demo.js';
import { resolveToolhiveBinary } from '../harness/toolhiveBinaries.js';

// The demo never builds vMCP; the test does, once, in a hook (hooks may take the first build's minutes).
beforeAll(async () => {
  await resolveToolhiveBinary('vmcp', { log: (line) => console.log(`[vmcp e2e] ${line}`) });
});

describe('the real-gateway leg of make demo', () => {
  it('narrates one request through vMCP and the sidecar, the Secret value never printed', async () => {
    const lines: string[] = [];
    const result = await runGatewayDemo({ log: (line) => lines.push(line) });
    expect(result).toEqual({ ran: true });
    const text = lines.join('\n');
    expect(text).toContain('secure-upstream_echo -> "secure: hello through the sidecar"');
    expect(text).toMatch(/secure upstream saw X-Api-Key: <\d+ chars> \(as configured, once\), X-Tenant: acme \(as configured, once\)/);
    expect(text).toContain('open upstream saw X-Api-Key: absent, X-Tenant: absent');
    expect(text).not.toMatch(/e2e-[0-9a-f]{24}/);
  });

  it('says in one line how to get vMCP when no binary is built, instead of building it', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'mcp-hf-nocache-'));
    try {
      const lines: string[] = [];
      const result = await runGatewayDemo({ log: (line) => lines.push(line), env: { XDG_CACHE_HOME: emptyCache } });
      expect(result.ran).toBe(false);
      expect(lines).toEqual([
        expect.stringMatching(/^real gateway: skipped, no vmcp binary built yet: run `make e2e` once .* or set MCP_HF_VMCP_BIN$/),
      ]);
    } finally {
      await rm(emptyCache, { recursive: true, force: true });
    }
  });
});
