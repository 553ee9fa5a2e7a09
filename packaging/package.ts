#!/usr/bin/env node
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { resolveHelm } from '../test/e2e/harness/helmBinary.js';
import { PROJECT_ROOT } from '../test/e2e/harness/paths.js';
import { packageChart } from './chartArchive.js';
import { CHART_NAME, packageJson } from './chart/chartDir.js';
import { buildImageArchive } from './ociImage.js';
import { writeSbom } from './sbom.js';
import { sourceDateEpoch } from './sourceDateEpoch.js';

// `make package`: the release artifacts of package.json's version in dist-package/: the chart (.tgz), the image
// (OCI archive) and a CycloneDX SBOM of the npm production tree, with SHA256SUMS. `--no-image` skips the image.

const log = (line: string): void => void process.stderr.write(`[package] ${line}\n`);

export interface PackageOptions {
  outDir: string;
  image: boolean;
}

export interface Packaged {
  files: string[];
  seconds: Record<string, number>;
}

async function timed<T>(seconds: Record<string, number>, step: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  seconds[step] = Math.round((Date.now() - started) / 100) / 10;
  return result;
}

async function writeChecksums(outDir: string, files: string[]): Promise<string> {
  const lines = await Promise.all(
    files.map(
      async (file) =>
        `${createHash('sha256')
          .update(await readFile(file))
          .digest('hex')}  ${basename(file)}\n`,
    ),
  );
  const path = join(outDir, 'SHA256SUMS');
  await writeFile(path, lines.sort().join(''));
  return path;
}

export async function packageRelease({ outDir, image }: PackageOptions): Promise<Packaged> {
  const { version } = packageJson();
  const epoch = await sourceDateEpoch();
  const seconds: Record<string, number> = {};
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const helm = await resolveHelm({ log });
  const files = [await timed(seconds, 'chart', () => packageChart(helm.path, outDir, epoch))];
  const sbom = join(outDir, `${CHART_NAME}-${version}.cdx.json`);
  const components = await timed(seconds, 'sbom', () => writeSbom(sbom, epoch));
  log(`SBOM: ${components} production components`);
  files.push(sbom);
  if (image) {
    const archive = join(outDir, `${CHART_NAME}-${version}.oci.tar`);
    const built = await timed(seconds, 'image', () => buildImageArchive(archive, version, epoch, log));
    log(`image ${built.name} ${built.digest}`);
    files.push(archive);
  }
  files.push(await writeChecksums(outDir, files));
  return { files, seconds };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const image = !process.argv.includes('--no-image');
  packageRelease({ outDir: join(PROJECT_ROOT, 'dist-package'), image }).then(
    ({ files, seconds }) => {
      for (const file of files) process.stdout.write(`${file}\n`);
      log(`done in ${JSON.stringify(seconds)} seconds${image ? '' : ' (no image: --no-image)'}`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
