import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './fileLock.js';

// One way to build test binaries from Go modules into the per-version cache: the control plane and vMCP share it.

/** Marks a cache directory as complete; holds the build stamp (inputs + flags) it was built from. */
export const STAMP = '.complete';

export async function hasStamp(dir: string, stamp: string): Promise<boolean> {
  return existsSync(join(dir, STAMP)) && (await readFile(join(dir, STAMP), 'utf8')).trim() === stamp;
}

/**
 * Build into `${dir}.partial-<pid>`, stamp it, then rename it over `dir`, all under a file lock so parallel runs
 * (vitest + make demo) wait for one build. Returns the build's seconds, or undefined when another run built it.
 */
export async function buildIntoCache(
  dir: string,
  stamp: string,
  log: (line: string) => void,
  build: (staging: string) => Promise<void>,
): Promise<number | undefined> {
  return withFileLock(`${dir}.lock`, log, async () => {
    if (await hasStamp(dir, stamp)) return undefined;
    const started = Date.now();
    const staging = `${dir}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    await build(staging);
    await writeFile(join(staging, STAMP), `${stamp}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return Math.round((Date.now() - started) / 1000);
  });
}

export interface GoBuildCommand {
  /** The Go module directory to build in. */
  cwd: string;
  /** Arguments after `go`. */
  args: string[];
  /** The error to show when `go` is not on PATH: what to install or which prebuilt binary to point at. */
  missingGo: string;
}

/** `go <args>` with CGO off; its last output is logged and quoted in the error when it fails. */
export function runGoBuild(command: GoBuildCommand, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const { cwd, args, missingGo } = command;
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env: { ...env, CGO_ENABLED: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error(missingGo) : error);
    });
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve();
      log(output);
      reject(new Error(`go ${args.join(' ')} in ${cwd} failed (${signal ?? `exit ${code}`}):\n${output.slice(-4000)}`));
    });
  });
}
