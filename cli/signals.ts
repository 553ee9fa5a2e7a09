import type { Logger } from 'pino';

// SIGTERM/SIGINT handlers installed before a server starts: until a process has a handler, the kernel's default
// action ends it at once, so a SIGTERM sent as soon as the "ready" line appears (a kubelet, a test) used to kill
// it before its handler existed (exit by signal, not 0). A signal during startup waits for startup, then stops.

export function stopOnSignal(started: Promise<{ stop(): Promise<void> }>, log: () => Logger | undefined): void {
  const shutdown = (signal: string): void => {
    started
      .then(
        async (running) => {
          log()?.info({ signal }, 'shutting down');
          await running.stop();
          process.exit(0);
        },
        // Startup failed: its own handler reports and exits.
        () => undefined,
      )
      .catch(() => process.exit(1));
  };
  // Startup errors are reported by the caller's own await; this copy only must not count as unhandled.
  started.catch(() => undefined);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
