import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR } from './chartDir.js';
import { GENERATED_FILES } from './generatedFiles.js';

// The chart's generated files are exactly what their generators make from the code, the manifests, package.json
// and values.yaml: a change to any of those without regenerating fails here.

describe.each(GENERATED_FILES)('charts/mcp-header-forward/$path', ({ path, render }) => {
  it('is exactly what packaging/chart generates', () => {
    const file = join(CHART_DIR, path);
    const expected = render();
    if (process.env['UPDATE_CHART'] === '1') {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, expected);
    }
    const actual = existsSync(file) ? readFileSync(file, 'utf8') : '(missing)';
    expect(actual, 'regenerate: UPDATE_CHART=1 npx vitest run packaging/chart').toBe(expected);
  });
});
