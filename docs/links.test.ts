import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../test/e2e/harness/paths.js';

// Every relative link in README.md and docs/ points at a file of the clone, and every #anchor at a heading of
// that file (GitHub's slugs): moving a section between pages cannot leave a dead link behind.

function markdownFiles(): string[] {
  const docs = readdirSync(join(PROJECT_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(PROJECT_ROOT, 'docs', f));
  return [join(PROJECT_ROOT, 'README.md'), ...docs];
}

/** GitHub's heading anchor: lower case, punctuation dropped (but - and _), spaces to -. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => githubSlug(m[1]!)));
}

function linksOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
}

describe('links in README.md and docs/', () => {
  it('slugs headings as GitHub does', () => {
    expect(githubSlug('Sealed mode (ToolHive >= v0.27.2 forwards headers itself)')).toBe(
      'sealed-mode-toolhive--v0272-forwards-headers-itself',
    );
    expect(githubSlug('The real node (`test/e2e/node/`)')).toBe('the-real-node-teste2enode');
  });

  it('all resolve', () => {
    const dead: string[] = [];
    for (const file of markdownFiles()) {
      for (const link of linksOf(file)) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(dirname(file), path);
        const where = `${relative(PROJECT_ROOT, file)} -> ${link}`;
        if (!existsSync(target)) dead.push(`${where}: no such file`);
        else if (anchor !== undefined && statSync(target).isFile() && !anchorsOf(target).has(anchor))
          dead.push(`${where}: no such heading`);
      }
    }
    expect(dead).toEqual([]);
  });
});
