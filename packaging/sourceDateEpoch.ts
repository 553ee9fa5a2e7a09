import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../test/e2e/harness/paths.js';

// Every time written into dist-package/ (file times in the chart archive, the image's created time and layer
// file times, the SBOM's timestamp) is this one, so the same commit packs to the same bytes.

const run = promisify(execFile);

/** $SOURCE_DATE_EPOCH (reproducible-builds.org), else the time of the commit checked out. */
export async function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const given = env['SOURCE_DATE_EPOCH'];
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given)) throw new Error(`SOURCE_DATE_EPOCH=${given} is not a number of seconds since 1970`);
    return Number(given);
  }
  try {
    const { stdout } = await run('git', ['log', '-1', '--format=%ct'], { cwd: PROJECT_ROOT });
    return Number(stdout.trim());
  } catch (error) {
    throw new Error('no SOURCE_DATE_EPOCH and no git commit to take the time from: set SOURCE_DATE_EPOCH', { cause: error });
  }
}
