import type { GetSecret } from '../validate/lookup.js';
import type { SecretLookup } from '../validate/types.js';

// /validate reads every referenced Secret by GET for each review; in an apply storm many concurrent reviews
// reference the same Secret (one token Secret behind many entries), and each GET costs the webhook about as much
// CPU as the rest of the review. A review that asks for a Secret while a GET of it is already in flight, started
// at most `maxAgeMs` earlier, takes that GET's answer, but only a positive one:
//  - "found" from a GET that started a moment before the review is what a GET of its own could have read a
//    moment earlier (the API server commits the entry after the webhook answers anyway, so a read is always a
//    little older than the write it checks); `maxAgeMs` bounds that moment well below any human-visible delay.
//  - "not found" and errors are never shared: the review sends its own GET, so a Secret created just before the
//    entry is always seen, and one failed GET does not fail the reviews that joined it.
// Nothing is kept after the GET answers: this is not a cache.

export const DEFAULT_SHARE_WINDOW_MS = 100;

export interface SharedLookupOptions {
  maxAgeMs?: number;
  now?: () => number;
}

export function sharingFoundAnswers(getSecret: GetSecret, options: SharedLookupOptions = {}): GetSecret {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_SHARE_WINDOW_MS;
  const now = options.now ?? Date.now;
  const inFlight = new Map<string, { started: number; answer: Promise<SecretLookup> }>();
  const ownGet = async (key: string, namespace: string, name: string): Promise<SecretLookup> => {
    const answer = getSecret(namespace, name);
    inFlight.set(key, { started: now(), answer });
    try {
      return await answer;
    } finally {
      if (inFlight.get(key)?.answer === answer) inFlight.delete(key);
    }
  };
  return async (namespace, name) => {
    const key = `${namespace}/${name}`;
    const pending = inFlight.get(key);
    if (pending !== undefined && now() - pending.started <= maxAgeMs) {
      const shared = await pending.answer.catch(() => undefined);
      if (shared?.status === 'found') return shared;
    }
    return ownGet(key, namespace, name);
  };
}
