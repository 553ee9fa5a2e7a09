import { describe, expect, it } from 'vitest';
import { lookupSecrets, referencedSecretNames } from './lookup.js';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from './types.js';

const threeRefs = entry({
  spec: headerForward({
    addHeadersFromSecret: [
      { headerName: 'A', valueSecretRef: { name: 'b-secret', key: 'k' } },
      { headerName: 'B', valueSecretRef: { name: 'a-secret', key: 'k' } },
      { headerName: 'C', valueSecretRef: { name: 'b-secret', key: 'other' } },
      { headerName: 'D', valueSecretRef: { name: '', key: 'k' } },
    ],
  }),
});

describe('Secret lookups', () => {
  it('collects each referenced Secret once, sorted, skipping empty names', () => {
    expect(referencedSecretNames(threeRefs)).toEqual(['a-secret', 'b-secret']);
  });

  it('GETs each name in the entry namespace and maps the results', async () => {
    const calls: string[] = [];
    const result = await lookupSecrets(threeRefs, 'team-a', async (namespace, name): Promise<SecretLookup> => {
      calls.push(`${namespace}/${name}`);
      return name === 'a-secret' ? { status: 'not-found' } : { status: 'error', reason: 'HTTP 500' };
    });
    expect(calls.sort()).toEqual(['team-a/a-secret', 'team-a/b-secret']);
    expect(Object.fromEntries(result)).toEqual({
      'a-secret': { status: 'not-found' },
      'b-secret': { status: 'error', reason: 'HTTP 500' },
    });
  });

  it('turns a throwing getter into an error result (fail closed, never a crash)', async () => {
    const result = await lookupSecrets(threeRefs, 'team-a', async () => {
      throw new Error('socket hang up');
    });
    expect(result.get('a-secret')).toEqual({ status: 'error', reason: 'socket hang up' });
  });
});
