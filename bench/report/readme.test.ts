import { describe, expect, it } from 'vitest';
import { BEGIN, END, replaceBenchSection } from './readme.js';

describe('replaceBenchSection', () => {
  it('appends a Benchmarks section when the README has none', () => {
    expect(replaceBenchSection('# title\n', 'table')).toBe(`# title\n\n## Benchmarks\n\n${BEGIN}\ntable\n${END}\n`);
  });

  it('replaces only what is between the markers, so a second run leaves one section', () => {
    const once = replaceBenchSection('# title\n\nintro\n', 'old');
    const twice = replaceBenchSection(`${once}\n## After\n`, 'new');
    expect(twice).toContain(`${BEGIN}\nnew\n${END}`);
    expect(twice).not.toContain('old');
    expect(twice.match(/## Benchmarks/g)).toHaveLength(1);
    expect(twice).toContain('## After');
  });
});
