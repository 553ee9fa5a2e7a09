import { stableStringify } from '../../contract/stableJson.js';
import type { Requester } from '../validate/readableLookup.js';

// Positive SubjectAccessReview answers, kept briefly so a burst of applies (kubectl apply -f dir/, a GitOps
// sync) costs one review per (user, Secret). Denials are never cached: a fresh RoleBinding helps at once, and
// a revoked permission is honoured within the TTL.

export const DEFAULT_ACCESS_CACHE_TTL_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export interface AccessCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface AccessCache {
  /** True when an unexpired positive answer is cached for exactly this requester and Secret. */
  allowed(requester: Requester, namespace: string, name: string): boolean;
  rememberAllowed(requester: Requester, namespace: string, name: string): void;
  readonly size: number;
}

export function createAccessCache(options: AccessCacheOptions = {}): AccessCache {
  const ttlMs = options.ttlMs ?? DEFAULT_ACCESS_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    allowed(requester, namespace, name) {
      const key = cacheKey(requester, namespace, name);
      const expiry = expiries.get(key);
      if (expiry === undefined) return false;
      if (expiry > now()) return true;
      expiries.delete(key);
      return false;
    },
    rememberAllowed(requester, namespace, name) {
      if (ttlMs <= 0) return;
      const key = cacheKey(requester, namespace, name);
      expiries.delete(key);
      // Maps iterate in insertion order: the first key is the oldest.
      if (expiries.size >= maxEntries) expiries.delete(expiries.keys().next().value as string);
      expiries.set(key, now() + ttlMs);
    },
    get size() {
      return expiries.size;
    },
  };
}

/** The whole identity (user, uid, groups, extra) and the Secret: two users never share an answer. */
export function cacheKey(requester: Requester, namespace: string, name: string): string {
  // JSON never holds a raw NUL and namespace names cannot: the three parts cannot run into each other.
  return `${identityKey(requester)}\u0000${namespace}\u0000${name}`;
}

// One review asks about several Secrets for the same requester object: its identity is serialised once.
const identityKeys = new WeakMap<Requester, string>();

function identityKey(requester: Requester): string {
  let key = identityKeys.get(requester);
  if (key === undefined) {
    key = stableStringify({
      user: requester.username,
      uid: requester.uid ?? '',
      // Group order does not change what a user may do; sorted so equal identities share one key.
      groups: [...requester.groups].sort(),
      extra: Object.fromEntries(Object.entries(requester.extra).map(([k, v]) => [k, [...v].sort()])),
    });
    identityKeys.set(requester, key);
  }
  return key;
}
