import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN_CACHE_DIR, LOADGEN_SOURCE_DIR } from '../paths.js';
import { CLIENT_CPU, pinned } from './pinning.js';

const run = promisify(execFile);

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(LOADGEN_SOURCE_DIR)).filter((f) => f.endsWith('.go') || f === 'go.mod').sort();
  for (const file of files) hash.update(file).update(await readFile(join(LOADGEN_SOURCE_DIR, file)));
  return hash.digest('hex').slice(0, 12);
}

/** Builds bench/loadgen once per source change; later runs reuse ~/.cache/mcp-header-forward/bin. */
export async function buildLoadgen(): Promise<string> {
  const binary = join(BIN_CACHE_DIR, `loadgen-${await sourceHash()}`);
  try {
    await access(binary);
    return binary;
  } catch {
    // Not built yet.
  }
  await mkdir(BIN_CACHE_DIR, { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  try {
    await run('go', ['build', '-trimpath', '-o', partial, '.'], { cwd: LOADGEN_SOURCE_DIR, env: { ...process.env, CGO_ENABLED: '0' } });
  } catch (error) {
    throw new Error(`building bench/loadgen failed (needs Go >= 1.22 on PATH): ${(error as Error).message}`, { cause: error });
  }
  await rename(partial, binary);
  return binary;
}

/** Runs one loadgen client command pinned to the client core and parses its single JSON result line. */
export async function runClient<T>(binary: string, subcommand: 'load' | 'rate' | 'sse', args: string[], timeoutMs: number): Promise<T> {
  const { command, args: argv } = pinned(CLIENT_CPU, binary, [subcommand, ...args]);
  const { stdout } = await run(command, argv, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`loadgen ${subcommand} printed no result: ${stdout.slice(0, 500)}`);
  }
}
