import { setTimeout as sleep } from 'node:timers/promises';

/** Poll `probe` until it answers true; its last error is quoted when time runs out. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const done = await probe().catch((error: unknown) => {
      last = error instanceof Error ? error.message.slice(0, 300) : String(error);
      return false;
    });
    if (done) return;
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${last})`);
}
