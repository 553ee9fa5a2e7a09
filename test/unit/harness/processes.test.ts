import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../e2e/harness/liveness.js';
import { startProcess } from '../../e2e/harness/processes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harness-processes-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('managed processes', () => {
  it('stop() ends the whole process group, including children the process started', async () => {
    const managed = await startProcess({
      name: 'parent',
      command: 'sh',
      args: ['-c', 'sleep 300 & echo "child=$!"; wait'],
      logFile: join(dir, 'parent.log'),
    });
    let child = 0;
    for (let i = 0; i < 50 && child === 0; i++) {
      child = Number(/child=(\d+)/.exec(await readFile(managed.logFile, 'utf8'))?.[1] ?? 0);
      if (child === 0) await sleep(20);
    }
    expect(isProcessAlive(child)).toBe(true);
    await managed.stop(1000);
    expect(managed.isRunning()).toBe(false);
    expect(isProcessAlive(managed.pid)).toBe(false);
    await expect.poll(() => isProcessAlive(child)).toBe(false);
  });

  it('escalates to SIGKILL when the process ignores SIGTERM', async () => {
    const managed = await startProcess({
      name: 'stubborn',
      command: 'sh',
      args: ['-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'],
      logFile: join(dir, 'stubborn.log'),
    });
    await expect.poll(async () => readFile(managed.logFile, 'utf8')).toContain('ready');
    const started = Date.now();
    await managed.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await managed.exited).signal).toBe('SIGKILL');
  });

  it('fails with the command name when the binary does not exist', async () => {
    await expect(
      startProcess({ name: 'ghost', command: join(dir, 'no-such-binary'), args: [], logFile: join(dir, 'ghost.log') }),
    ).rejects.toThrow(/could not start ghost .*no-such-binary.*ENOENT/);
  });
});
