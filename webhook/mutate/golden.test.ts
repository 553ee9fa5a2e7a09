import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contextFromObjects, injectPod } from './inject.js';
import { loadFixture, TEST_NAMESPACE, TESTDATA } from './testFixtures.js';

// Linkerd-style golden tests: YAML in, the JSON patch a person reviews out (testdata/README.md).
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(TESTDATA, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function run(name: string): { reasons: string[]; warnings: string[]; patch: unknown[] } {
  const { pod, vmcps, entries, settings } = loadFixture(name);
  const result = injectPod(pod, contextFromObjects({ vmcps, entries }, { namespace: TEST_NAMESPACE, settings }));
  return { reasons: result.decision.reasons.map((r) => r.code), warnings: result.plan?.warnings ?? [], patch: result.patch };
}

describe('golden fixtures', () => {
  it('covers injection, chaining, envFrom, routed .svc, CA bundles, other containers, a stale sidecar and skips', () => {
    expect(cases).toEqual([
      'basic-native', 'ca-bundles', 'container-mode', 'env-from', 'existing-proxy', 'no-entries', 'opted-out', 'other-containers', 'routed-svc', 'stale-sidecar',
    ]);
  });

  it.each(cases)('%s', (name) => {
    const actual = `${JSON.stringify(run(name), null, 2)}\n`;
    const goldenPath = new URL(`${name}/expected.golden.json`, TESTDATA);
    if (UPDATE) writeFileSync(goldenPath, actual);
    expect(actual).toBe(readFileSync(goldenPath, 'utf8'));
  });

  it('gives the same bytes on every run', () => {
    expect(JSON.stringify(run('basic-native'))).toBe(JSON.stringify(run('basic-native')));
  });
});
