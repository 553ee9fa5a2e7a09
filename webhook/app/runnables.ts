import type { Logger } from 'pino';
import type { Leadership } from './leadership.js';

// Background loops, as controller-runtime's manager runs them: a loop that must run in one replica only says
// so (`leaderOnly`) and is started when this replica wins the Lease and stopped when it loses it; the others
// run from start to shutdown.

export interface Runnable {
  name: string;
  leaderOnly: boolean;
  start(): void;
  /** Stop and wait for work in flight; `start` may follow (the Lease won again). */
  stop(): Promise<void>;
}

export interface RunningLoops {
  stop(): Promise<void>;
}

export function startRunnables(runnables: readonly Runnable[], leadership: Leadership, logger: Logger): RunningLoops {
  // Per loop, one transition at a time: a stop still winding down finishes before the next start.
  const transitions = new Map<Runnable, Promise<void>>();
  const running = new Set<Runnable>();
  let shuttingDown = false;
  const transition = (runnable: Runnable, run: boolean): Promise<void> => {
    const next = (transitions.get(runnable) ?? Promise.resolve()).then(async () => {
      if (run === running.has(runnable) || (run && shuttingDown)) return;
      if (run) {
        runnable.start();
        running.add(runnable);
      } else {
        running.delete(runnable);
        await runnable.stop();
      }
    });
    const logged = next.catch((error: unknown) =>
      logger.error(
        { loop: runnable.name, error: error instanceof Error ? error.message : String(error) },
        `${runnable.name}: ${run ? 'start' : 'stop'} failed`,
      ),
    );
    transitions.set(runnable, logged);
    return logged;
  };
  for (const runnable of runnables) {
    if (!runnable.leaderOnly || leadership.isLeader()) void transition(runnable, true);
  }
  leadership.onChange((leading) => {
    for (const runnable of runnables) if (runnable.leaderOnly) void transition(runnable, leading);
  });
  return {
    async stop() {
      shuttingDown = true;
      await Promise.all(runnables.map((runnable) => transition(runnable, false)));
    },
  };
}
