import { describe, expect, it } from 'vitest';
import { valueRows } from './valuesReadme.js';

// How values.yaml comments become README rows: the helm-docs convention, and a value without a description fails.

const schema = JSON.stringify({
  type: 'object',
  properties: {
    image: { type: 'object', properties: { repository: { type: 'string' }, pullPolicy: { type: 'string', enum: ['Always', 'Never'] } } },
    resources: { $ref: '#/definitions/resources' },
    args: { type: 'array', items: { type: 'string' } },
  },
  definitions: { resources: { type: 'object' } },
});

describe('valueRows', () => {
  it('documents each key by the `# --` comment above it, a documented map as one row, with the schema type', () => {
    const values = [
      'image:',
      '  # -- Where the image comes from,',
      '  # continued on a second line.',
      '  repository: ghcr.io/x',
      '  # -- Pull policy | or not.',
      '  pullPolicy: Always',
      '# -- Requests and limits.',
      'resources:',
      '  limits: {memory: 1Mi}',
      '# -- Extra flags.',
      'args: []',
    ].join('\n');
    expect(valueRows(values, schema)).toEqual([
      {
        key: 'image.repository',
        type: 'string',
        defaultJson: '"ghcr.io/x"',
        description: 'Where the image comes from, continued on a second line.',
      },
      { key: 'image.pullPolicy', type: 'string: `Always`, `Never`', defaultJson: '"Always"', description: 'Pull policy | or not.' },
      { key: 'resources', type: 'object', defaultJson: '{"limits":{"memory":"1Mi"}}', description: 'Requests and limits.' },
      { key: 'args', type: 'array of string', defaultJson: '[]', description: 'Extra flags.' },
    ]);
  });

  it('refuses a value without a description, and an ordinary comment is not one', () => {
    expect(() => valueRows('image:\n  # just a note\n  repository: x\n', schema)).toThrow('image.repository has no "# --" description');
  });

  it('refuses a documented value the schema does not know', () => {
    expect(() => valueRows('# -- A typo.\nimgae: x\n', schema)).toThrow('values.schema.json has no property for imgae');
  });
});
