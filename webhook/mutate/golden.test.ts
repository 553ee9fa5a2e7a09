import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOOLHIVE_FORWARDING_MODES } from '../../contract/sealing.js';
import { contextFromObjects, injectPod } from './inject.js';
import type { InjectSettings } from './settings.js';
import { loadFixture, TEST_NAMESPACE, TESTDATA } from '../../test/unit/webhook/mutateFixtures.js';

// Linkerd-style golden tests: YAML in, the JSON patch a person reviews out (testdata/README.md).
const UPDATE = process.env.UPDATE_GOLDEN === '1';

// A pod made by ToolHive's real operator (test/e2e/toolhiveOperator.e2e.test.ts keeps it current), in each mode.
const OPERATOR_CASE = 'toolhive-operator';

const cases = readdirSync(TESTDATA, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== OPERATOR_CASE)
  .map((d) => d.name)
  .sort();

function run(name: string, overrides: Partial<InjectSettings> = {}): { reasons: string[]; warnings: string[]; patch: unknown[] } {
  const { pod, vmcps, entries, settings } = loadFixture(name);
  const result = injectPod(
    pod,
    contextFromObjects({ vmcps, entries }, { namespace: TEST_NAMESPACE, settings: { ...settings, ...overrides } }),
  );
  return { reasons: result.decision.reasons.map((r) => r.code), warnings: result.plan?.warnings ?? [], patch: result.patch };
}

function expectGolden(actual: unknown, file: string): void {
  const text = `${JSON.stringify(actual, null, 2)}\n`;
  const goldenPath = new URL(file, TESTDATA);
  if (UPDATE) writeFileSync(goldenPath, text);
  expect(text).toBe(readFileSync(goldenPath, 'utf8'));
}

describe('golden fixtures', () => {
  it('covers injection, chaining, envFrom, routed .svc, CA bundles, other containers, a stale sidecar and skips', () => {
    expect(cases).toEqual([
      'basic-native',
      'ca-bundles',
      'container-mode',
      'env-from',
      'existing-proxy',
      'no-entries',
      'opted-out',
      'other-containers',
      'routed-svc',
      'stale-sidecar',
    ]);
  });

  it.each(cases)('%s', (name) => {
    expectGolden(run(name), `${name}/expected.golden.json`);
  });

  it.each(TOOLHIVE_FORWARDING_MODES)(`${OPERATOR_CASE} with --toolhive-forwarding %s`, (mode) => {
    expectGolden(run(OPERATOR_CASE, { toolhiveForwarding: mode }), `${OPERATOR_CASE}/expected.${mode}.golden.json`);
  });

  it('gives the same bytes on every run', () => {
    expect(JSON.stringify(run('basic-native'))).toBe(JSON.stringify(run('basic-native')));
  });
});
