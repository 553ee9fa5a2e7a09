import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { contextFromObjects, injectPod } from './inject.js';
import { classify, parseYamlObjects } from './objects.js';
import type { InjectSettings } from './settings.js';
import { TEST_NAMESPACE, TEST_SETTINGS } from './testSettings.js';

// Linkerd-style golden tests: YAML in, the JSON patch a person reviews out (testdata/README.md).
const TESTDATA = new URL('./testdata/', import.meta.url).pathname;
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export interface GoldenCase {
  name: string;
  pod: V1Pod;
  run(): { reasons: string[]; warnings: string[]; patch: unknown[] };
}

export function loadCase(name: string): GoldenCase {
  const dir = join(TESTDATA, name);
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const pod = parse(read('pod.yaml')) as V1Pod;
  const overrides = existsSync(join(dir, 'settings.yaml')) ? (parse(read('settings.yaml')) as Partial<InjectSettings>) : {};
  const settings = { ...TEST_SETTINGS, ...overrides };
  const objects = classify(parseYamlObjects(read('objects.yaml'), `${name}/objects.yaml`), TEST_NAMESPACE, name);
  const ctx = contextFromObjects(objects, { namespace: TEST_NAMESPACE, settings });
  return {
    name,
    pod,
    run() {
      const result = injectPod(pod, ctx);
      return {
        reasons: result.decision.reasons.map((r) => r.code),
        warnings: result.plan?.warnings ?? [],
        patch: result.patch,
      };
    },
  };
}

const cases = readdirSync(TESTDATA, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('golden fixtures', () => {
  it('has the cases the spec asks for', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
  });

  it.each(cases)('%s', (name) => {
    const actual = `${JSON.stringify(loadCase(name).run(), null, 2)}\n`;
    const goldenPath = join(TESTDATA, name, 'expected.golden.json');
    if (UPDATE) writeFileSync(goldenPath, actual);
    expect(actual).toBe(readFileSync(goldenPath, 'utf8'));
  });
});
