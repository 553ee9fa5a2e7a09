// Builds test/goclient once per source hash into the shared binary cache and runs it.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withFileLock } from '../../e2e/harness/fileLock.js';
import { binaryCacheRoot, PROJECT_ROOT } from '../../e2e/harness/paths.js';

const run = promisify(execFile);
const SOURCE_DIR = join(PROJECT_ROOT, 'test', 'goclient');

export async function buildGoClient(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'main.go']) hash.update(await readFile(join(SOURCE_DIR, file))).update('\0');
  const dir = binaryCacheRoot();
  const binary = join(dir, `goclient-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  await withFileLock(
    `${binary}.lock`,
    () => {},
    async () => {
      if (existsSync(binary)) return;
      const temp = `${binary}.tmp-${process.pid}`;
      await run('go', ['build', '-o', temp, '.'], {
        cwd: SOURCE_DIR,
        env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
      });
      await rename(temp, binary);
    },
  );
  return binary;
}

/** The environment vMCP runs with after injection: proxy for http and https, trusted CA dirs. */
export function goEnv(proxyUrl: string, certDirs: string[]): NodeJS.ProcessEnv {
  const {
    HTTP_PROXY: _a,
    HTTPS_PROXY: _b,
    NO_PROXY: _c,
    http_proxy: _d,
    https_proxy: _e,
    no_proxy: _f,
    SSL_CERT_FILE: _g,
    ...rest
  } = process.env;
  return { ...rest, HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, SSL_CERT_DIR: certDirs.join(':'), SSL_CERT_FILE: '/nonexistent' };
}

export interface GoResult {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

export async function goGet(binary: string, env: NodeJS.ProcessEnv, args: string[]): Promise<GoResult> {
  const { stdout } = await run(binary, args, { env, timeout: 15_000 });
  return JSON.parse(stdout) as GoResult;
}

export function goStream(binary: string, env: NodeJS.ProcessEnv, args: string[]): ChildProcessWithoutNullStreams {
  return spawn(binary, ['-stream', ...args], { env });
}
