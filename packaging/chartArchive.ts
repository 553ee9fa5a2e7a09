import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHART_DIR, CHART_NAME, packageJson } from './chart/chartDir.js';
import { GENERATED_FILES } from './chart/generatedFiles.js';

// The chart as `helm package` makes it. Helm writes each file's modification time into the archive, so the chart
// is packed from a copy whose times are all the source date: the same commit gives the same .tgz.

const run = promisify(execFile);

/** Generated chart files that differ from their generator's output (stale after an edit without regenerating). */
export async function staleGeneratedFiles(): Promise<string[]> {
  const stale: string[] = [];
  for (const file of GENERATED_FILES) {
    const current = await readFile(join(CHART_DIR, file.path), 'utf8').catch(() => undefined);
    if (current !== file.render()) stale.push(file.path);
  }
  return stale;
}

async function setTimes(dir: string, time: Date): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await setTimes(path, time);
    await utimes(path, time, time);
  }
}

/** `helm package` into outDir; returns the archive's path. Refuses a chart whose generated files are stale. */
export async function packageChart(helm: string, outDir: string, epoch: number): Promise<string> {
  const stale = await staleGeneratedFiles();
  if (stale.length > 0)
    throw new Error(`chart files out of date with their sources: ${stale.join(', ')}; run UPDATE_CHART=1 npx vitest run packaging/chart`);
  const staging = await mkdtemp(join(tmpdir(), 'mhf-chart-'));
  try {
    const copy = join(staging, CHART_NAME);
    await cp(CHART_DIR, copy, { recursive: true });
    await setTimes(copy, new Date(epoch * 1000));
    await run(helm, ['package', copy, '--destination', outDir]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return join(outDir, `${CHART_NAME}-${packageJson().version}.tgz`);
}
