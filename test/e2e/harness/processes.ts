import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has exited (by itself or by `stop`). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const live = new Set<ManagedProcess & { killNow(): void }>();

// Last resort when the test runner exits without calling stop(): kill every group we started, synchronously.
process.once('exit', () => {
  for (const managed of live) managed.killNow();
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * A reaper per process: a tiny shell in its own group reading a pipe from us. When we die, even by SIGKILL,
 * the pipe closes and the reaper kills the process group: no leaked apiservers holding ports.
 */
function startReaper(pgid: number): ChildProcess {
  // POSIX sh (dash) kill takes no `--`: `-PGID` after the signal names the group.
  const script = 'while read -r _; do :; done; kill -TERM -"$1" 2>/dev/null || exit 0; sleep 3; kill -KILL -"$1" 2>/dev/null; exit 0';
  const reaper = spawn('sh', ['-c', script, 'reaper', String(pgid)], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  reaper.unref();
  (reaper.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  return reaper;
}

/** Start a process in its own process group with stdout+stderr appended to `logFile`. */
export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  if (child.pid === undefined) {
    const [error] = (await once(child, 'error')) as [Error];
    log.end();
    throw new Error(`could not start ${options.name} (${options.command}): ${error.message}`);
  }
  const pid = child.pid;
  const reaper = startReaper(pid);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const retireReaper = (): void => {
    reaper.stdin?.end();
  };
  const managed = {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    isRunning: () => running,
    killNow(): void {
      killGroup(pid, 'SIGKILL');
    },
    async stop(graceMs = 5000): Promise<void> {
      if (running) {
        killGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      // Children the process left behind in its group.
      killGroup(pid, 'SIGKILL');
      live.delete(managed);
      retireReaper();
      log.end();
    },
  };
  live.add(managed);
  return managed;
}
