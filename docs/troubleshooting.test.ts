import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_REASONS } from '../webhook/drift/finding.js';
import { SKIP } from '../webhook/mutate/decide.js';
import { REASONS } from '../webhook/validate/reasons.js';

// docs/troubleshooting.md has one section per reason code, and only those: a new code without its fix, or a
// section for a code that is gone, fails here.

const text = readFileSync(new URL('troubleshooting.md', import.meta.url), 'utf8');
const sections = [...text.matchAll(/^### `([^`]+)`$/gm)].map((m) => m[1]!);

describe('docs/troubleshooting.md', () => {
  const codes = [
    ...Object.values(REASONS),
    ...Object.values(EVENT_REASONS).filter((r): r is string => r !== undefined),
    ...Object.values(SKIP),
  ];

  it('has a section for every reason code', () => {
    expect(codes.filter((code) => !sections.includes(code))).toEqual([]);
  });

  it('has no section for a code that does not exist, and none twice', () => {
    expect(sections.filter((section) => !codes.includes(section))).toEqual([]);
    expect(new Set(sections).size).toBe(sections.length);
  });

  it('says what to do in every section', () => {
    const bodies = text.split(/^### /m).slice(1);
    for (const body of bodies) expect(body.split('\n').slice(1).join(' ').trim().length, body.split('\n')[0]).toBeGreaterThan(40);
  });
});
