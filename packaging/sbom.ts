import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../test/e2e/harness/paths.js';
import { packageJson } from './chart/chartDir.js';

// A CycloneDX SBOM of the npm production tree, by npm itself (`npm sbom`, npm >= 10.3), of the tree the image's
// `npm ci --omit=dev` installs: made the same way in a scratch directory. Not `npm sbom --omit dev` on the
// development tree: npm 11.19 drops production packages that a dev dependency also uses (npm/cli#7909: yaml,
// zod and 31 more here), and with --package-lock-only it also drops tslib. Three fields are made reproducible:
// npm names the root after its folder, and stamps a random serial number and the current time.

const run = promisify(execFile);

interface CycloneDx {
  bomFormat: string;
  specVersion: string;
  serialNumber?: string;
  metadata: { timestamp?: string; component?: { name?: string } };
  components: { name: string; version: string }[];
}

/** An RFC 9562 version-8 UUID from a digest: the same BOM content always gets the same serial number. */
export function uuidFromDigest(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function reproducible(bom: CycloneDx, name: string, epoch: number): CycloneDx {
  const fixed: CycloneDx = {
    ...bom,
    serialNumber: undefined,
    metadata: { ...bom.metadata, timestamp: new Date(epoch * 1000).toISOString(), component: { ...bom.metadata.component, name } },
  };
  const serialNumber = `urn:uuid:${uuidFromDigest(createHash('sha256').update(JSON.stringify(fixed)).digest())}`;
  return { ...fixed, serialNumber };
}

/** `npm ci --omit=dev` of package.json + package-lock.json into dir, install scripts off (nothing runs). */
async function installProductionTree(dir: string): Promise<void> {
  for (const file of ['package.json', 'package-lock.json']) await copyFile(join(PROJECT_ROOT, file), join(dir, file));
  await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  // npm sbom reports the absent devDependencies as missing (ESBOMPROBLEMS): this tree has none by design.
  const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete manifest['devDependencies'];
  await writeFile(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
}

/** Writes the SBOM of the production dependencies; returns how many components it lists. */
export async function writeSbom(path: string, epoch: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'mhf-sbom-'));
  try {
    await installProductionTree(dir);
    const { stdout } = await run('npm', ['sbom', '--sbom-format', 'cyclonedx'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    const bom = reproducible(JSON.parse(stdout) as CycloneDx, packageJson().name, epoch);
    if (bom.bomFormat !== 'CycloneDX') throw new Error(`npm sbom wrote ${bom.bomFormat}, not CycloneDX`);
    await writeFile(path, `${JSON.stringify(bom, null, 2)}\n`);
    return bom.components.length;
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim() ?? String(error);
    throw new Error(`SBOM: npm ci --omit=dev or npm sbom (npm >= 10.3) failed: ${detail.slice(-2000)}`, { cause: error });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
