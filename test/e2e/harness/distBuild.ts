import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CLI_ENTRY, PROJECT_ROOT } from './paths.js';

// The folders tsconfig.build.json compiles into what the e2e suite runs (dist/cli/main.js).
const SOURCE_DIRS = ['cli', 'webhook', 'sidecar', 'contract', 'certs'];

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const dirent of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) newest = Math.max(newest, await newestSourceMtime(path));
    else if (dirent.name.endsWith('.ts') && !dirent.name.endsWith('.test.ts')) newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is older than the sources (e.g. `vitest run` without `make build` after an edit). */
export async function isDistStale(): Promise<boolean> {
  const built = await stat(CLI_ENTRY).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  const sources = await Promise.all(SOURCE_DIRS.map((dir) => newestSourceMtime(join(PROJECT_ROOT, dir))));
  return Math.max(...sources) > built;
}

/** `tsc -p tsconfig.build.json`, so the e2e suite never runs a stale webhook. */
export async function buildDistIfStale(log: (line: string) => void): Promise<void> {
  if (!(await isDistStale())) return;
  log('dist/ is older than the sources: running tsc -p tsconfig.build.json');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
}
