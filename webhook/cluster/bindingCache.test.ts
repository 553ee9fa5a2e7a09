import { describe, expect, it } from 'vitest';
import type { GetSecret } from '../validate/lookup.js';
import type { SecretLookup } from '../validate/types.js';
import { cachedForHostBinding } from './bindingCache.js';

const found = (name: string, hosts: string): SecretLookup => ({
  status: 'found',
  secret: { namespace: 'ns', name, annotations: { 'mcp-header-forward.dev/allowed-hosts': hosts }, keys: {} },
});

/** A getter answering from `answers` (mutable), counting calls per Secret. */
function countingGetter(answers: Record<string, SecretLookup>): { getSecret: GetSecret; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    getSecret: (namespace, name) => {
      calls.push(`${namespace}/${name}`);
      return Promise.resolve(answers[name] ?? { status: 'not-found' });
    },
  };
}

describe('host-binding lookup cache', () => {
  it('answers a found Secret from memory within the TTL and asks again after it', async () => {
    let clock = 1_000;
    const answers = { s: found('s', 'a.example.com') };
    const { getSecret, calls } = countingGetter(answers);
    const cached = cachedForHostBinding(getSecret, { ttlMs: 5_000, now: () => clock });
    expect(await cached('ns', 's')).toEqual(found('s', 'a.example.com'));
    clock += 4_999;
    answers.s = found('s', 'b.example.com');
    expect(await cached('ns', 's')).toEqual(found('s', 'a.example.com'));
    expect(calls).toEqual(['ns/s']);
    clock += 1;
    expect(await cached('ns', 's')).toEqual(found('s', 'b.example.com'));
    expect(calls).toEqual(['ns/s', 'ns/s']);
  });

  it('never remembers a missing Secret or a failed GET', async () => {
    const answers: Record<string, SecretLookup> = { broken: { status: 'error', reason: 'the API server answered HTTP 500' } };
    const { getSecret, calls } = countingGetter(answers);
    const cached = cachedForHostBinding(getSecret);
    for (let i = 0; i < 2; i++) {
      expect(await cached('ns', 'missing')).toEqual({ status: 'not-found' });
      expect(await cached('ns', 'broken')).toEqual({ status: 'error', reason: 'the API server answered HTTP 500' });
    }
    expect(calls).toEqual(['ns/missing', 'ns/broken', 'ns/missing', 'ns/broken']);
  });

  it('keys by namespace and name', async () => {
    const { getSecret, calls } = countingGetter({ s: found('s', 'a.example.com') });
    const cached = cachedForHostBinding(getSecret);
    await cached('ns', 's');
    await cached('other', 's');
    await cached('ns', 's');
    expect(calls).toEqual(['ns/s', 'other/s']);
  });

  it('shares one GET among concurrent lookups of the same Secret', async () => {
    const { getSecret, calls } = countingGetter({ s: found('s', 'a.example.com') });
    const cached = cachedForHostBinding(getSecret);
    const answers = await Promise.all([cached('ns', 's'), cached('ns', 's'), cached('ns', 's')]);
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(calls).toEqual(['ns/s']);
  });

  it('keeps at most maxEntries, dropping the oldest, and nothing with a TTL of 0', async () => {
    const answers = { a: found('a', 'x'), b: found('b', 'x'), c: found('c', 'x') };
    const bounded = countingGetter(answers);
    const cached = cachedForHostBinding(bounded.getSecret, { maxEntries: 2 });
    for (const name of ['a', 'b', 'c', 'b', 'c', 'a']) await cached('ns', name);
    expect(bounded.calls).toEqual(['ns/a', 'ns/b', 'ns/c', 'ns/a']);
    const off = countingGetter(answers);
    const uncached = cachedForHostBinding(off.getSecret, { ttlMs: 0 });
    await uncached('ns', 'a');
    await uncached('ns', 'a');
    expect(off.calls).toEqual(['ns/a', 'ns/a']);
  });
});
