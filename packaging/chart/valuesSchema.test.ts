import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readChartFile } from './chartDir.js';

// values.schema.json and values.yaml describe the same tree: every value has a schema, every schema property is
// a value (Helm's own `global` aside), and objects with named properties refuse unknown keys, so a misspelt
// `--set` fails instead of being ignored.

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  definitions?: Record<string, Schema>;
}

const root = JSON.parse(readChartFile('values.schema.json')) as Schema;
const values = parse(readChartFile('values.yaml')) as Record<string, unknown>;
const resolve = (schema: Schema): Schema => (schema.$ref ? root.definitions![schema.$ref.replace('#/definitions/', '')]! : schema);

/** Paths where the values and the schema's named properties disagree. */
function mismatches(value: unknown, schema: Schema, path: string): string[] {
  const resolved = resolve(schema);
  if (resolved.properties === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const valueKeys = Object.keys(value);
  const schemaKeys = Object.keys(resolved.properties).filter((key) => !(path === '' && key === 'global'));
  return [
    ...valueKeys.filter((key) => !schemaKeys.includes(key)).map((key) => `${path}${key}: in values.yaml, not in the schema`),
    ...schemaKeys.filter((key) => !valueKeys.includes(key)).map((key) => `${path}${key}: in the schema, not in values.yaml`),
    ...(resolved.additionalProperties === false ? [] : [`${path || '(top)'}: additionalProperties is not false`]),
    ...valueKeys
      .filter((key) => resolved.properties![key] !== undefined)
      .flatMap((key) => mismatches((value as Record<string, unknown>)[key], resolved.properties![key]!, `${path}${key}.`)),
  ];
}

describe('values.schema.json', () => {
  it('has exactly the keys of values.yaml and refuses unknown ones', () => {
    expect(mismatches(values, root, '')).toEqual([]);
  });
});
