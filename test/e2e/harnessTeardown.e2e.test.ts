import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './harness/liveness.js';
import { PROJECT_ROOT } from './harness/paths.js';

// Runs the built harness (globalSetup keeps dist/ fresh) in a child node process, so the test can kill it.
const PROCESSES_MODULE = pathToFileURL(join(PROJECT_ROOT, 'dist', 'test', 'e2e', 'harness', 'processes.js')).href;

describe('harness teardown when the test runner itself is killed', () => {
  it('the reaper ends a managed process group after its owner dies by SIGKILL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-reaper-'));
    const script = `
      const { startProcess } = await import(${JSON.stringify(PROCESSES_MODULE)});
      const managed = await startProcess({ name: 'sleeper', command: 'sleep', args: ['300'], logFile: ${JSON.stringify(join(dir, 'sleeper.log'))} });
      console.log('pid=' + managed.pid);
      setInterval(() => {}, 60000);
    `;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let output = '';
      owner.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /pid=(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      owner.on('exit', (code) => reject(new Error(`owner exited (${code}) before starting the process`)));
    });
    expect(isProcessAlive(pid)).toBe(true);

    owner.kill('SIGKILL');
    await expect.poll(() => isProcessAlive(pid), { timeout: 10_000 }).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });
});
