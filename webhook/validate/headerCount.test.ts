import { describe, expect, it } from 'vitest';
import { headerCountRule, MAX_HEADERS_PER_ENTRY } from './headerCount.js';
import { referencedSecretNames } from './lookup.js';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';
import { validateEntry } from './validateEntry.js';

function withSecretHeaders(count: number) {
  return entry({
    spec: headerForward({
      addHeadersFromSecret: Array.from({ length: count }, (_, i) => ({
        headerName: `X-H${i}`,
        valueSecretRef: { name: `s${i}`, key: 'k' },
      })),
    }),
  });
}

describe('header-count rule', () => {
  it(`allows ${MAX_HEADERS_PER_ENTRY} headers and denies one more, at spec.headerForward`, () => {
    expect(headerCountRule.check({ entry: withSecretHeaders(MAX_HEADERS_PER_ENTRY), namespace: 'ns', secrets: new Map() })).toEqual([]);
    expect(headerCountRule.check({ entry: withSecretHeaders(MAX_HEADERS_PER_ENTRY + 1), namespace: 'ns', secrets: new Map() })).toEqual([
      expect.objectContaining({
        severity: 'violation',
        field: 'spec.headerForward',
        message: expect.stringContaining(`forwards ${MAX_HEADERS_PER_ENTRY + 1} headers`),
      }),
    ]);
  });

  it('an oversized entry gets that one violation, and no Secret is looked up for it (10,000 headers)', () => {
    const big = withSecretHeaders(10_000);
    expect(referencedSecretNames(big)).toEqual([]);
    const result = validateEntry({ entry: big, operation: 'CREATE', namespace: 'ns', secrets: new Map() });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]!.field).toBe('spec.headerForward');
  });
});
