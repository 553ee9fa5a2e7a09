import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from './quantity.js';

// Expected values are what the API server stores (resource.Quantity.String()).
describe('canonicalQuantity', () => {
  it.each([
    ['10m', '10m'],
    ['100m', '100m'],
    ['0.1', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1000m', '1'],
    ['2', '2'],
    ['1024', '1024'],
    ['2000', '2k'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['32Mi', '32Mi'],
    ['128Mi', '128Mi'],
    ['2048Mi', '2Gi'],
    ['1024Ki', '1Mi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0', '0'],
  ])('%s -> %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it.each(['', 'abc', '-1', '1e3', '10 m', '1.', 'Mi', '5x'])('rejects %j', (input) => {
    expect(canonicalQuantity(input)).toBeUndefined();
  });
});
