import { describe, expect, it } from 'vitest';
import { jsonDeeperThan, MAX_JSON_DEPTH } from './jsonDepth.js';

describe('jsonDeeperThan', () => {
  it('counts objects and arrays, not brackets inside strings (escaped quotes included)', () => {
    expect(jsonDeeperThan('{"a":[{"b":"[[[[{{{{\\"[[[["}]}', 3)).toBe(false);
    expect(jsonDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
  });

  it(`passes a realistic AdmissionReview and stops a 500,000-level one at level ${MAX_JSON_DEPTH + 1}`, () => {
    const review = JSON.stringify({
      request: { object: { spec: { containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'x' } } }] }] } } },
    });
    expect(jsonDeeperThan(review, MAX_JSON_DEPTH)).toBe(false);
    expect(jsonDeeperThan(`${'['.repeat(500_000)}${']'.repeat(500_000)}`, MAX_JSON_DEPTH)).toBe(true);
  });
});
