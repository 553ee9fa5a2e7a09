import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// A clone must work on its own: no tracked file may point at a folder beside the clone (the workspace this
// project grew up in had a sibling folder with ToolHive's CRDs; users have no such folder).
const root = new URL('../../../', import.meta.url).pathname;
const OUTSIDE = [/\.\.\/shared\b/, /\bshared\/toolhive-crds\b/, /\/work\/(?:main|shared)\b/];

function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file !== '' && file !== 'package-lock.json');
}

describe('the clone is self-contained', () => {
  it('no tracked file refers to a folder beside the clone or another path outside it', () => {
    const offenders = trackedFiles().flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(`${root}${file}`, 'utf8');
      } catch {
        return []; // deleted in the work tree
      }
      return text
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => OUTSIDE.some((pattern) => pattern.test(line)))
        .map(({ index }) => `${file}:${index + 1}`);
    });
    expect(offenders).toEqual([]);
  });
});
