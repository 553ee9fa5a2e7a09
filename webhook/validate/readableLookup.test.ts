import { describe, expect, it } from 'vitest';
import { lookupReadableSecrets, requesterFrom, type AccessAnswer, type Requester } from './readableLookup.js';
import { entry, foundSecret, headerForward } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from './types.js';

const mallory: Requester = { username: 'mallory', groups: ['dev'], extra: {} };
const twoSecrets = entry({
  spec: headerForward({
    addHeadersFromSecret: [
      { headerName: 'X-A', valueSecretRef: { name: 'readable', key: 'k' } },
      { headerName: 'X-B', valueSecretRef: { name: 'hidden', key: 'k' } },
    ],
  }),
});

function edges(access: Record<string, AccessAnswer | Error>, secrets: Record<string, SecretLookup>) {
  const gets: string[] = [];
  const reviews: string[] = [];
  return {
    gets,
    reviews,
    getSecret: (namespace: string, name: string): Promise<SecretLookup> => {
      gets.push(`${namespace}/${name}`);
      return Promise.resolve(secrets[name] ?? { status: 'not-found' });
    },
    canReadSecret: (requester: Requester, namespace: string, name: string): Promise<AccessAnswer> => {
      reviews.push(`${requester.username}:${namespace}/${name}`);
      const answer = access[name] ?? { allowed: false };
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

describe('lookupReadableSecrets', () => {
  it('asks first and GETs only the Secrets the requester may read', async () => {
    const e = edges(
      { readable: { allowed: true }, hidden: { allowed: false } },
      { readable: foundSecret('readable', { k: 'v' }), hidden: foundSecret('hidden', { k: 'v' }) },
    );
    const results = await lookupReadableSecrets(twoSecrets, 'team-a', mallory, e);
    expect(results.get('readable')?.status).toBe('found');
    expect(results.get('hidden')).toEqual({ status: 'forbidden', user: 'mallory' });
    expect(e.reviews.sort()).toEqual(['mallory:team-a/hidden', 'mallory:team-a/readable']);
    expect(e.gets).toEqual(['team-a/readable']);
  });

  it('gives the same result for a forbidden Secret whether it exists or not (no oracle)', async () => {
    const exists = await lookupReadableSecrets(twoSecrets, 'team-a', mallory, edges({}, { hidden: foundSecret('hidden', { k: 'v' }) }));
    const missing = await lookupReadableSecrets(twoSecrets, 'team-a', mallory, edges({}, {}));
    expect(exists).toEqual(missing);
  });

  it('records a failed review as access-unknown and does not read the Secret', async () => {
    const e = edges({ readable: { error: 'the API server answered HTTP 500' }, hidden: new Error('socket hang up') }, {});
    const results = await lookupReadableSecrets(twoSecrets, 'team-a', mallory, e);
    expect(results.get('readable')).toEqual({ status: 'access-unknown', user: 'mallory', reason: 'the API server answered HTTP 500' });
    expect(results.get('hidden')).toEqual({ status: 'access-unknown', user: 'mallory', reason: 'socket hang up' });
    expect(e.gets).toEqual([]);
  });

  it('fails closed without a requester', async () => {
    const e = edges({ readable: { allowed: true }, hidden: { allowed: true } }, {});
    const results = await lookupReadableSecrets(twoSecrets, 'team-a', undefined, e);
    expect([...results.values()].map((r) => r.status)).toEqual(['access-unknown', 'access-unknown']);
    expect(e.reviews).toEqual([]);
  });

  it('turns a throwing GET into a lookup error', async () => {
    const e = edges({ readable: { allowed: true }, hidden: { allowed: false } }, {});
    const results = await lookupReadableSecrets(twoSecrets, 'team-a', mallory, {
      ...e,
      getSecret: () => Promise.reject(new Error('boom')),
    });
    expect(results.get('readable')).toEqual({ status: 'error', reason: 'boom' });
  });
});

describe('requesterFrom', () => {
  it('copies username, uid, groups and extra', () => {
    expect(requesterFrom({ username: 'u', uid: '42', groups: ['g'], extra: { scopes: ['a'] } })).toEqual({
      username: 'u',
      uid: '42',
      groups: ['g'],
      extra: { scopes: ['a'] },
    });
  });

  it('is undefined without a username and leaves out an empty uid', () => {
    expect(requesterFrom(undefined)).toBeUndefined();
    expect(requesterFrom({ groups: ['g'] })).toBeUndefined();
    expect(requesterFrom({ username: 'u', uid: '' })).toEqual({ username: 'u', groups: [], extra: {} });
  });
});
