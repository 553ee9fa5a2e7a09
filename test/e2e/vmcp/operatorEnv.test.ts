import { readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MANIFEST_ENV_PREFIX, SECRET_ENV_PREFIX } from '../../../contract/envNames.js';
import { classify, parseYamlObjects } from '../../../webhook/mutate/objects.js';
import { toolhiveOperatorEnv } from './operatorEnv.js';

const FIXTURE = new URL('../../../webhook/mutate/testdata/toolhive-operator/', import.meta.url);

describe('toolhiveOperatorEnv (the operator env for the process-based gateway e2e)', () => {
  it("is byte for byte what ToolHive's real operator put on the vmcp container of the golden pod", () => {
    const pod = parse(readFileSync(new URL('pod.yaml', FIXTURE), 'utf8')) as V1Pod;
    const fromOperator = pod
      .spec!.containers.find((c) => c.name === 'vmcp')!
      .env!.filter((e) => e.name.startsWith(MANIFEST_ENV_PREFIX) || e.name.startsWith(`${SECRET_ENV_PREFIX}HEADER_FORWARD_`));
    const { entries } = classify(
      parseYamlObjects(readFileSync(new URL('objects.yaml', FIXTURE), 'utf8'), 'objects.yaml'),
      'tools',
      'objects.yaml',
    );
    expect(fromOperator.length).toBeGreaterThan(0);
    expect(toolhiveOperatorEnv(entries)).toEqual(fromOperator);
  });
});
