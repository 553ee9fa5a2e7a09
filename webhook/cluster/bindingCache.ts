import type { GetSecret } from '../validate/lookup.js';
import type { SecretLookup } from '../validate/types.js';

// The injector's host-binding lookups, remembered briefly per Secret (namespace/name). A vMCP pod references
// every Secret of its group (20 and more), a rollout creates many pods at once, and the API server calls /mutate
// again on reinvocation: without this each of those repeats every GET.
//
// Staleness window: a changed allowed-hosts annotation reaches new pods at most `ttlMs` late. That is safe
// because the binding is not retroactive anyway (running pods keep the one they were created with until they are
// recreated), the sidecar enforces the binding the injector wrote again at start, and the validating webhook
// checks every entry write against the Secret's current annotation. Only "found" is remembered: a missing Secret or
// a failed GET is asked again next time, so a Secret created with a tight binding is never treated as unbound.
// Only facts are kept (names of keys, annotations): Secret values never reach this cache.

export const DEFAULT_BINDING_CACHE_TTL_MS = 5_000;
const DEFAULT_MAX_ENTRIES = 10_000;

export interface BindingCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function cachedForHostBinding(getSecret: GetSecret, options: BindingCacheOptions = {}): GetSecret {
  const ttlMs = options.ttlMs ?? DEFAULT_BINDING_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const found = new Map<string, { lookup: SecretLookup; expiry: number }>();
  // Concurrent reviews of the same Secret share one GET (a burst of pods from one rollout).
  const inFlight = new Map<string, Promise<SecretLookup>>();
  return (namespace, name) => {
    const key = `${namespace}/${name}`;
    const hit = found.get(key);
    if (hit !== undefined) {
      if (hit.expiry > now()) return Promise.resolve(hit.lookup);
      found.delete(key);
    }
    const pending = inFlight.get(key);
    if (pending !== undefined) return pending;
    const started = now();
    const call = getSecret(namespace, name)
      .then((lookup) => {
        if (lookup.status === 'found' && ttlMs > 0) {
          // Maps iterate in insertion order: the first key is the oldest.
          if (found.size >= maxEntries) found.delete(found.keys().next().value as string);
          // The answer is as old as the request that fetched it.
          found.set(key, { lookup, expiry: started + ttlMs });
        }
        return lookup;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, call);
    return call;
  };
}
