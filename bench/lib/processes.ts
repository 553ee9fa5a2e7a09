import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPortOpen } from '../../test/e2e/harness/ports.js';
import { startProcess, type ManagedProcess } from '../../test/e2e/harness/processes.js';
import { logTail } from '../../test/e2e/harness/readiness.js';
import { pinned } from './pinning.js';

export { freeLoopbackPort } from '../../test/e2e/harness/ports.js';
export type { ManagedProcess };

/** Starts `command` pinned to `cpu`, in its own process group, logging to `<dir>/<name>.log`. */
export async function startPinned(
  name: string,
  dir: string,
  cpu: string | undefined,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ManagedProcess> {
  const line = pinned(cpu, command, args);
  return startProcess({ name, command: line.command, args: line.args, env, cwd: dir, logFile: join(dir, `${name}.log`) });
}

/** Polls until 127.0.0.1:port accepts connections; fails with the log tail if the process dies first. */
export async function waitForPort(managed: ManagedProcess, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!managed.isRunning()) {
      throw new Error(`${managed.name} exited before listening on ${port}; log ${managed.logFile}:\n${await logTail(managed)}`);
    }
    if (await isPortOpen(port)) return;
    await sleep(100);
  }
  throw new Error(
    `${managed.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000}s; log ${managed.logFile}:\n${await logTail(managed)}`,
  );
}
