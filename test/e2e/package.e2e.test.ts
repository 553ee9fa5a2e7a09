import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CHART_DIR, packageJson } from '../../packaging/chart/chartDir.js';
import { packageRelease, type Packaged } from '../../packaging/package.js';
import { resolveHelm } from './harness/helmBinary.js';
import { PROJECT_ROOT } from './harness/paths.js';
import { runHelm } from './install/helm.js';

// `make package` without the image (its build and timings: docs/install-helm.md): the chart archive and the SBOM
// are of package.json's version, the archive renders what the chart directory renders, and two runs of the same
// commit write the same bytes.

const run = promisify(execFile);
interface NpmLsNode {
  version?: string;
  dependencies?: Record<string, NpmLsNode>;
}
const { name, version, dependencies } = packageJson() as ReturnType<typeof packageJson> & { dependencies: Record<string, string> };
let helm: string;
let work: string;
let first: Packaged;
let second: Packaged;
const file = (packaged: Packaged, suffix: string): string => packaged.files.find((path) => path.endsWith(suffix))!;

beforeAll(async () => {
  helm = (await resolveHelm({ log: (line) => void process.stderr.write(`[helm] ${line}\n`) })).path;
  work = await mkdtemp(join(tmpdir(), 'mhf-package-'));
  first = await packageRelease({ outDir: join(work, 'first'), image: false });
  second = await packageRelease({ outDir: join(work, 'second'), image: false });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('make package --no-image', () => {
  it('writes the chart, the SBOM and their checksums, named by the version', () => {
    expect(first.files.map((path) => basename(path))).toEqual([`${name}-${version}.tgz`, `${name}-${version}.cdx.json`, 'SHA256SUMS']);
  });

  it('writes the same bytes twice (file times are the source date, the SBOM has no random field)', async () => {
    expect(second.files.map((path) => basename(path))).toEqual(first.files.map((path) => basename(path)));
    for (const [index, path] of first.files.entries())
      expect(await readFile(path), basename(path)).toEqual(await readFile(second.files[index]!));
  });

  it('lists each file with its SHA-256', async () => {
    const sums = await readFile(file(first, 'SHA256SUMS'), 'utf8');
    for (const path of first.files.slice(0, -1))
      expect(sums).toContain(
        `${createHash('sha256')
          .update(await readFile(path))
          .digest('hex')}  ${basename(path)}\n`,
      );
  });

  it("packs a chart of package.json's version that renders what the chart directory renders", async () => {
    const shown = await runHelm(helm, ['show', 'chart', file(first, '.tgz')]);
    expect(parse(shown.stdout)).toMatchObject({ name, version, appVersion: version });
    const fromArchive = await runHelm(helm, ['template', name, file(first, '.tgz'), '--namespace', name]);
    const fromDirectory = await runHelm(helm, ['template', name, CHART_DIR, '--namespace', name]);
    expect(fromArchive.code).toBe(0);
    expect(fromArchive.stdout).toBe(fromDirectory.stdout);
  });

  it('describes the production dependencies in CycloneDX, named and versioned as package.json', async () => {
    const bom = JSON.parse(await readFile(file(first, '.cdx.json'), 'utf8')) as {
      bomFormat: string;
      metadata: { component: { name: string; version: string } };
      components: { name: string }[];
    };
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata.component).toMatchObject({ name, version });
    const listed = new Set(bom.components.map((component) => component.name));
    expect(Object.keys(dependencies).filter((dependency) => !listed.has(dependency))).toEqual([]);
    expect(['vitest', 'eslint', 'typescript', 'prettier'].filter((tool) => listed.has(tool))).toEqual([]);
  });

  it('lists exactly the packages of the production tree npm installs (npm ls --omit dev)', async () => {
    const bom = JSON.parse(await readFile(file(first, '.cdx.json'), 'utf8')) as { components: { name: string; version: string }[] };
    const { stdout } = await run('npm', ['ls', '--omit', 'dev', '--all', '--json'], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 });
    const tree = new Set<string>();
    const walk = (dependencies: Record<string, NpmLsNode> | undefined): void => {
      for (const [dependency, node] of Object.entries(dependencies ?? {})) {
        // Optional peers nobody installs (bufferutil, ...) are listed without a version.
        if (node.version !== undefined) tree.add(`${dependency}@${node.version}`);
        walk(node.dependencies);
      }
    };
    walk((JSON.parse(stdout) as NpmLsNode).dependencies);
    expect(new Set(bom.components.map((component) => `${component.name}@${component.version}`))).toEqual(tree);
  });
});
