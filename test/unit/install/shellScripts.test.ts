import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findTool } from './lintTools.js';

// The scripts that install tools and drive kind cannot run here (no Docker): shellcheck them instead.
const root = new URL('../../../', import.meta.url).pathname;
const scripts = [
  '.ci/run',
  ...readdirSync(`${root}.ci`)
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `.ci/${f}`),
  ...readdirSync(`${root}test/e2e/kind`)
    .filter((f) => f.endsWith('.sh'))
    .map((f) => `test/e2e/kind/${f}`),
];

describe('shell scripts', () => {
  it('include the kind driver', () => {
    expect(scripts).toContain('test/e2e/kind/run.sh');
  });

  it.each(scripts)('%s passes shellcheck', (script) => {
    // execFileSync throws with shellcheck's findings on a non-zero exit.
    expect(execFileSync(findTool('shellcheck'), ['--severity=style', `${root}${script}`], { encoding: 'utf8' })).toBe('');
  });
});
