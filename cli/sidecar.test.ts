// `mcp-header-forward sidecar --help` from the build: it answers, and it does not load the proxy (server,
// config, pino). Which files load is recorded by a Node module hook writing each loaded file URL to a log.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, PROJECT_ROOT } from '../test/e2e/harness/paths.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.MHF_LOADED_LOG, url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
`;

describe('mcp-header-forward sidecar --help (built dist)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mhf-sidecar-help-'));
    await writeFile(join(dir, 'hooks.mjs'), HOOKS);
    await writeFile(join(dir, 'register.mjs'), REGISTER);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the CLI with the load recorder; returns its output and every file it loaded. */
  async function run(args: string[]): Promise<{ stdout: string; loaded: string[] }> {
    const log = join(dir, `loaded-${args.join('_')}.log`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', pathToFileURL(join(dir, 'register.mjs')).href, CLI_ENTRY, ...args],
      {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', MHF_LOADED_LOG: log },
      },
    );
    return { stdout, loaded: (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '') };
  }

  it('is built (make test builds first; run `npm run build` before running this file alone)', () => {
    expect(existsSync(CLI_ENTRY)).toBe(true);
  });

  it('prints the flags and exits 0 without loading the proxy, its config or pino', async () => {
    const { stdout, loaded } = await run(['sidecar', '--help']);
    expect(stdout).toContain('Usage: mcp-header-forward sidecar');
    for (const flag of ['--proxy-listen', '--admin-listen', '--ca-dir', '--shutdown-grace', '--log-level']) expect(stdout).toContain(flag);
    // The recorder works: it saw the subcommand's own module.
    expect(loaded.some((url) => url.endsWith('/dist/cli/sidecar.js'))).toBe(true);
    const heavy = loaded.filter(
      (url) => /\/dist\/(sidecar\/(server|config)|contract\/logging)\.js$/.test(url) || url.includes('/node_modules/pino/'),
    );
    expect(heavy).toEqual([]);
  });
});
