// The `sidecar` subcommand as a process (from the build, as the container runs it): startup validation
// exits non-zero with one line naming the problem; a valid config serves until SIGTERM, then exits 0.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../../../contract/envNames.js';
import { CLI_ENTRY, PROJECT_ROOT } from '../../e2e/harness/paths.js';
import { eventually, tempDir } from './harness.js';

const SECRET_ENV = secretEnvVarName('github', 'X-Api-Key');
const routes = (headers: Record<string, unknown>): string =>
  JSON.stringify({ version: 1, routes: [{ entry: 'tools/github', remoteUrl: 'https://api.example.com/mcp', ...headers }] });

beforeAll(() => {
  const built = join(PROJECT_ROOT, 'dist', 'cli', 'sidecar.js');
  const source = join(PROJECT_ROOT, 'cli', 'sidecar.ts');
  if (!existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(`${built} is missing or older than its source: run \`make build\` (make test does) first`);
  }
});

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(env: Record<string, string>, args: string[] = []): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [CLI_ENTRY, 'sidecar', '--proxy-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('mcp-header-forward sidecar: refusing bad config', () => {
  it.each([
    ['bad JSON', { [ROUTES_ENV_VAR]: '{"version":1,' }, /^mcp-header-forward sidecar: MCP_HEADER_FORWARD_ROUTES is not valid JSON/],
    [
      'a restricted header',
      { [ROUTES_ENV_VAR]: routes({ plaintextHeaders: { 'X-Forwarded-For': '1.2.3.4' } }) },
      /routes\[0\]\.plaintextHeaders\.X-Forwarded-For: header "X-Forwarded-For" is a restricted header/,
    ],
    [
      'a missing env var',
      { [ROUTES_ENV_VAR]: routes({ secretHeaders: { 'X-Api-Key': SECRET_ENV } }) },
      new RegExp(`env var ${SECRET_ENV} is not set`),
    ],
    [
      'an empty secret value',
      { [ROUTES_ENV_VAR]: routes({ secretHeaders: { 'X-Api-Key': SECRET_ENV } }), [SECRET_ENV]: '' },
      new RegExp(`env var ${SECRET_ENV} is empty`),
    ],
    ['no route config at all', {}, /MCP_HEADER_FORWARD_ROUTES is not set/],
  ])('exits 1 with one line on %s', async (_what, env, message) => {
    const result = await runCli(env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 2 on a malformed flag', async () => {
    const result = await runCli({}, ['--proxy-listen', 'nonsense']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '--proxy-listen must be HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443; port 0 picks a free one), got "nonsense"',
    );
  });

  it('exits 2 when the proxy would listen beyond loopback (it adds Secret headers for whoever reaches it)', async () => {
    const result = await runCli({}, ['--proxy-listen', '0.0.0.0:15080']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--proxy-listen 0.0.0.0:15080 is not a loopback address');
  });
});

describe('mcp-header-forward sidecar: running', () => {
  it('writes the CA, serves until SIGTERM and exits 0', async () => {
    const dir = await tempDir();
    const caDir = join(dir.path, 'ca');
    const child = spawn(
      process.execPath,
      [CLI_ENTRY, 'sidecar', '--proxy-listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--ca-dir', caDir],
      {
        env: { PATH: process.env.PATH ?? '', [ROUTES_ENV_VAR]: routes({ secretHeaders: { 'X-Api-Key': SECRET_ENV } }), [SECRET_ENV]: 'k' },
      },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const readyLine = await eventually(() => stdout.split('\n').find((l) => l.includes('"sidecar ready"')), 15_000, 'the ready log line');
      const { admin } = JSON.parse(readyLine) as { admin: string };
      expect((await fetch(`http://${admin}/readyz`)).status).toBe(200);
      expect((await readdir(caDir)).sort()).toEqual([expect.stringMatching(/^[0-9a-f]{8}\.0$/), 'ca.crt']);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await dir.remove();
    }
  });
});
