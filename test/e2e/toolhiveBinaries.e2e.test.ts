import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TOOLHIVE_GOBUILD_DIR } from './harness/paths.js';
import { resolveToolhiveBinary } from './harness/toolhiveBinaries.js';
import { parseToolhiveVersion } from './harness/toolhiveModule.js';

const log = (line: string): void => console.log(`[toolhive e2e] ${line}`);

describe("ToolHive's binaries (vmcp, thv-operator)", () => {
  it('reads the pinned ToolHive release from the build module', async () => {
    const goMod = await readFile(join(TOOLHIVE_GOBUILD_DIR, 'go.mod'), 'utf8');
    expect(parseToolhiveVersion(goMod)).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(() => parseToolhiveVersion('module x\n\nrequire github.com/stacklok/toolhive-core v0.0.38\n')).toThrow(
      /must require github.com\/stacklok\/toolhive/,
    );
  });

  it('fails, naming Go and the prebuilt-binary variable, when it must build and Go is not installed', async () => {
    const emptyCache = await mkdtemp(join(tmpdir(), 'mcp-hf-nocache-'));
    try {
      const env = { XDG_CACHE_HOME: emptyCache, PATH: join(emptyCache, 'no-go-here') };
      await expect(resolveToolhiveBinary('vmcp', { env })).rejects.toThrow(
        /`go` is not on PATH: the e2e builds ToolHive's vmcp from .*go\.mod; install Go .* or set MCP_HF_VMCP_BIN to a prebuilt vmcp binary/,
      );
      await expect(resolveToolhiveBinary('thv-operator', { env })).rejects.toThrow(
        /set MCP_HF_THV_OPERATOR_BIN to a prebuilt thv-operator binary/,
      );
    } finally {
      await rm(emptyCache, { recursive: true, force: true });
    }
  });

  it('are built (or taken from the cache) and run', async () => {
    const vmcp = await resolveToolhiveBinary('vmcp', { log });
    expect(['cache', 'built', 'MCP_HF_VMCP_BIN']).toContain(vmcp.source);
    const { stdout } = await promisify(execFile)(vmcp.path, ['serve', '--help']);
    expect(stdout).toContain('--config');
    const operator = await resolveToolhiveBinary('thv-operator', { log });
    const help = await promisify(execFile)(operator.path, ['--help']).catch((error: { stderr: string }) => ({
      stdout: '',
      stderr: error.stderr,
    }));
    expect(`${help.stdout}${help.stderr}`).toContain('-metrics-bind-address');
  }, 900_000);
});
