import { describe, expect, it } from 'vitest';
import type { Requester } from '../validate/readableLookup.js';
import { cacheKey, createAccessCache } from './accessCache.js';

const alice: Requester = { username: 'alice', uid: '1', groups: ['dev', 'system:authenticated'], extra: { scopes: ['a'] } };

describe('access cache', () => {
  it('remembers a positive answer for the TTL, then forgets it', () => {
    let clock = 1_000;
    const cache = createAccessCache({ ttlMs: 10_000, now: () => clock });
    expect(cache.allowed(alice, 'ns', 's')).toBe(false);
    cache.rememberAllowed(alice, 'ns', 's');
    clock += 9_999;
    expect(cache.allowed(alice, 'ns', 's')).toBe(true);
    clock += 1;
    expect(cache.allowed(alice, 'ns', 's')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it.each<[string, Requester, string, string]>([
    ['another user', { ...alice, username: 'mallory' }, 'ns', 's'],
    ['another uid', { ...alice, uid: '2' }, 'ns', 's'],
    ['fewer groups', { ...alice, groups: ['dev'] }, 'ns', 's'],
    ['other extra', { ...alice, extra: { scopes: ['b'] } }, 'ns', 's'],
    ['another Secret', alice, 'ns', 't'],
    ['another namespace', alice, 'other', 's'],
  ])('never answers for %s', (_case, requester, namespace, name) => {
    const cache = createAccessCache();
    cache.rememberAllowed(alice, 'ns', 's');
    expect(cache.allowed(requester, namespace, name)).toBe(false);
  });

  it('treats group order as the same identity', () => {
    expect(cacheKey({ ...alice, groups: ['system:authenticated', 'dev'] }, 'ns', 's')).toBe(cacheKey(alice, 'ns', 's'));
  });

  it('keeps at most maxEntries, dropping the oldest', () => {
    const cache = createAccessCache({ maxEntries: 2 });
    for (const name of ['a', 'b', 'c']) cache.rememberAllowed(alice, 'ns', name);
    expect(cache.size).toBe(2);
    expect(['a', 'b', 'c'].map((n) => cache.allowed(alice, 'ns', n))).toEqual([false, true, true]);
  });

  it('caches nothing with a TTL of 0', () => {
    const cache = createAccessCache({ ttlMs: 0 });
    cache.rememberAllowed(alice, 'ns', 's');
    expect(cache.allowed(alice, 'ns', 's')).toBe(false);
  });
});
