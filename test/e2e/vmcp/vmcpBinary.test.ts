import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TOOLHIVE_GOBUILD_DIR } from '../harness/paths.js';
import { parseToolhiveVersion } from '../harness/toolhiveModule.js';
import { resolveVmcp } from './vmcpBinary.js';

describe('the vMCP binary', () => {
  it('reads the pinned ToolHive release from the build module', async () => {
    const goMod = await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.mod'), 'utf8');
    expect(parseToolhiveVersion(goMod)).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(() => parseToolhiveVersion('module x\n\nrequire github.com/stacklok/toolhive-core v0.0.38\n')).toThrow(/must require github.com\/stacklok\/toolhive/);
  });

  it('fails, naming Go and MCP_HF_VMCP_BIN, when it must build and Go is not installed', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'mcp-hf-nocache-'));
    try {
      await expect(resolveVmcp({ env: { XDG_CACHE_HOME: emptyCache, PATH: join(emptyCache, 'no-go-here') } })).rejects.toThrow(
        /`go` is not on PATH: the vMCP e2e builds ToolHive's vmcp from .*go\.mod; install Go .* or set MCP_HF_VMCP_BIN to a prebuilt vmcp binary/,
      );
    } finally {
      await rm(emptyCache, { recursive: true, force: true });
    }
  });

  it('is built (or taken from the cache) and runs', async () => {
    const vmcp = await resolveVmcp({ log: (line) => console.log(`[vmcp e2e] ${line}`) });
    expect(['cache', 'built', 'MCP_HF_VMCP_BIN']).toContain(vmcp.source);
    const { stdout } = await promisify(execFile)(vmcp.path, ['serve', '--help']);
    expect(stdout).toContain('--config');
  }, 900_000);
});
