// `mcp-header-forward sidecar --ca-key-dir` as the container runs it (from the build): two runs on one key dir
// publish the same CA; an unusable key dir stops the sidecar with one line naming the flag.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../contract/envNames.js';
import { CA_CERT_FILE } from '../contract/sidecar.js';
import { CLI_ENTRY, PROJECT_ROOT } from '../test/e2e/harness/paths.js';
import { eventually, tempDir } from '../test/unit/sidecar/harness.js';
import { CA_KEY_FILE } from './caKeyStore.js';

const ROUTES = JSON.stringify({
  version: 1,
  routes: [{ entry: 'tools/a', remoteUrl: 'https://api.example.com/mcp', plaintextHeaders: { 'X-Tenant': 'acme' } }],
});

beforeAll(() => {
  const built = join(PROJECT_ROOT, 'dist', 'sidecar', 'caKeyStore.js');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(PROJECT_ROOT, 'sidecar', 'caKeyStore.ts')).mtimeMs) {
    throw new Error(`${built} is missing or older than its source: run \`make build\` (make test does) first`);
  }
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the sidecar; once ready (or exited) sends SIGTERM and resolves with its output. */
function runOnce(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'sidecar', '--proxy-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', ...args], {
    env: { PATH: process.env.PATH ?? '', [ROUTES_ENV_VAR]: ROUTES },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let code: number | null | undefined;
  void exited.then((c) => (code = c));
  return eventually(() => stdout.includes('"sidecar ready"') || code !== undefined, 15_000, 'the sidecar to be ready or exit')
    .then(async () => {
      child.kill('SIGTERM');
      return { code: await exited, stdout, stderr };
    })
    .finally(() => child.kill('SIGKILL'));
}

describe('mcp-header-forward sidecar --ca-key-dir', () => {
  it('a second run on the same key dir publishes the same CA and says it reused it', async () => {
    const dir = await tempDir();
    try {
      const args = ['--ca-dir', join(dir.path, 'ca'), '--ca-key-dir', join(dir.path, 'ca-key')];
      const first = await runOnce(args);
      expect(first.code).toBe(0);
      const published = await readFile(join(dir.path, 'ca', CA_CERT_FILE), 'utf8');
      expect((await stat(join(dir.path, 'ca-key', CA_KEY_FILE))).mode & 0o777).toBe(0o600);
      const second = await runOnce(args);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('reusing the per-pod CA from the key dir');
      expect(await readFile(join(dir.path, 'ca', CA_CERT_FILE), 'utf8')).toBe(published);
      expect(`${first.stdout}${second.stdout}`).not.toContain('PRIVATE KEY');
    } finally {
      await dir.remove();
    }
  }, 40_000);

  it('exits 1 with one line naming --ca-key-dir when the dir cannot be used', async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'file'), 'x');
      const run = await runOnce(['--ca-dir', join(dir.path, 'ca'), '--ca-key-dir', join(dir.path, 'file', 'keys')]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^mcp-header-forward sidecar: --ca-key-dir .*file\/keys.*: .*mount a writable emptyDir there or drop the flag$/,
        ),
      ]);
    } finally {
      await dir.remove();
    }
  }, 20_000);
});
