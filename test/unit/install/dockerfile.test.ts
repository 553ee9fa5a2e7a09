import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from './lintTools.js';

// No Docker engine here: the image is checked statically. test/e2e/kind/run.sh builds it for real.
const root = new URL('../../../', import.meta.url).pathname;
const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Sources of every COPY from the build context (not --from another stage). */
function contextCopySources(list: Instruction[]): string[] {
  return list
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => {
      const words = i.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      return words.slice(0, -1);
    });
}

/** Build-context paths a .dockerignore line removes (prefix patterns; `**` globs apply to test files only). */
function ignoredBy(patterns: string[], path: string): string | undefined {
  return patterns.find((pattern) => !pattern.includes('*') && (path === pattern || path.startsWith(`${pattern}/`)));
}

/** Non-test TypeScript files under the given folders. */
function runtimeFiles(dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    (readdirSync(join(root, dir), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.includes('testdata'))
      .map((file) => join(root, dir, file)),
  );
}

/** Relative module specifiers a file imports (static and dynamic), as written. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
}

/** Packages a file imports at run time (type-only imports are erased by tsc and do not count). */
function packageImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^'.][^']*)'|import\s*\(\s*'([^'.][^']*)'\s*\)/gm)].map(
    (m) => (m[1] ?? m[2])!,
  );
  return specifiers
    .filter((specifier) => !specifier.startsWith('node:'))
    .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!));
}

const imageDirs = (JSON.parse(readFileSync(`${root}tsconfig.image.json`, 'utf8')) as { include: string[] }).include;
const list = instructions(dockerfile);
const dockerignore = readFileSync(`${root}.dockerignore`, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('Dockerfile', () => {
  it.each(contextCopySources(list))('COPY source %s exists in the repository and is not .dockerignored', (source) => {
    expect(existsSync(`${root}${source}`), `${source} is COPYed but missing`).toBe(true);
    expect(ignoredBy(dockerignore, source), `${source} is COPYed but excluded by .dockerignore`).toBeUndefined();
  });

  it('copies every folder tsconfig.image.json compiles', () => {
    const sources = contextCopySources(list);
    expect(imageDirs.filter((dir) => !sources.includes(dir))).toEqual([]);
  });

  it('needs nothing outside those folders at run time (no import of test/ or bench/ code)', () => {
    const outside = runtimeFiles(imageDirs).flatMap((file) =>
      relativeImports(file)
        .map((specifier) => relative(root, resolve(dirname(file), specifier)))
        .filter((target) => !imageDirs.some((dir) => target.startsWith(`${dir}/`)) && target !== 'package.json')
        .map((target) => `${relative(root, file)} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('needs only production dependencies at run time (the image has no devDependencies)', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
    const missing = runtimeFiles(imageDirs).flatMap((file) =>
      packageImports(file)
        .filter((name) => !(name in pkg.dependencies))
        .map((name) => `${relative(root, file)} imports ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('installs with npm ci, production dependencies only in the final image', () => {
    const runs = list.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((run) => /npm ci\b(?!.*--omit=dev)/.test(run))).toBe(true);
    expect(runs.some((run) => /npm ci .*--omit=dev/.test(run))).toBe(true);
    expect(runs.some((run) => /npm install\b/.test(run))).toBe(false);
  });

  it('runs as uid 65532, the non-root user the injector gives the sidecar', () => {
    const users = list.filter((i) => i.keyword === 'USER');
    expect(users.at(-1)?.args).toBe('65532:65532');
  });

  it('has the CLI as entrypoint, at the path package.json names as its bin', () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { bin: Record<string, string> };
    const entrypoint = JSON.parse(list.filter((i) => i.keyword === 'ENTRYPOINT').at(-1)!.args) as string[];
    expect(entrypoint).toEqual(['node', `/app/${pkg.bin['mcp-header-forward']}`]);
  });

  it('builds on the Node.js major that .nvmrc, engines and the Makefile use', () => {
    const pinned = readFileSync(`${root}.nvmrc`, 'utf8').trim();
    const major = pinned.split('.')[0];
    const base = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile)?.[1];
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { engines: { node: string } };
    expect(base).toBe(major);
    expect(pkg.engines.node).toBe(`>=${major}`);
  });

  it('passes hadolint', () => {
    const hadolint = findTool('hadolint');
    // execFileSync throws with hadolint's findings on a non-zero exit.
    expect(execFileSync(hadolint, ['--failure-threshold', 'info', `${root}Dockerfile`], { encoding: 'utf8' })).toBe('');
  });
});
