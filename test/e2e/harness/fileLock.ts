import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock directory (mkdir is atomic) holding the owner's pid; a lock whose owner died is taken over. */
export async function acquireFileLock(lockDir: string, log: (line: string) => void): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(join(lockDir, 'pid'), 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (!announced) log(`waiting for another process (pid ${owner || '?'}) holding ${lockDir}`);
      announced = true;
      await sleep(1000);
    }
  }
  await writeFile(join(lockDir, 'pid'), `${process.pid}\n`);
  return () => rm(lockDir, { recursive: true, force: true });
}

/** `work` under the lock, released whatever happens. */
export async function withFileLock<T>(lockDir: string, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const release = await acquireFileLock(lockDir, log);
  try {
    return await work();
  } finally {
    await release();
  }
}
