import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseToolhiveVersion, resolveVmcp, VMCP_GOBUILD_DIR } from './vmcpBinary.js';

describe('the vMCP binary', () => {
  it('reads the pinned ToolHive release from the build module', async () => {
    const goMod = await readFile(join(VMCP_GOBUILD_DIR, 'go.mod'), 'utf8');
    expect(parseToolhiveVersion(goMod)).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(() => parseToolhiveVersion('module x\n\nrequire github.com/stacklok/toolhive-core v0.0.38\n')).toThrow(/must require github.com\/stacklok\/toolhive/);
  });

  it('is built (or taken from the cache) and runs', async () => {
    const vmcp = await resolveVmcp({ log: (line) => console.log(`[vmcp e2e] ${line}`) });
    expect(['cache', 'built', 'MCP_HF_VMCP_BIN']).toContain(vmcp.source);
    const { stdout } = await promisify(execFile)(vmcp.path, ['serve', '--help']);
    expect(stdout).toContain('--config');
  }, 900_000);
});
