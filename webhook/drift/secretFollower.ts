import type { GetSecret } from '../validate/lookup.js';
import { followSecret, type FollowedSecret } from './secretRotation.js';

// The memory behind --follow-secrets: the Secrets read for the pods' host bindings are the ones their sidecars
// take env from, so those same GETs feed it (no extra request, no watch). Keyed `namespace/name`.

export interface SecretFollower {
  /** getSecret that also records each found Secret's revision. */
  wrap(getSecret: GetSecret): GetSecret;
  followed(namespace: string, name: string): FollowedSecret | undefined;
  /** Forget Secrets not asked for since the previous call (no pod references them any more). */
  endPass(): void;
  reset(): void;
}

export function createSecretFollower(now: () => number): SecretFollower {
  let followed = new Map<string, FollowedSecret>();
  let asked = new Set<string>();
  return {
    wrap: (getSecret) => async (namespace, name) => {
      const lookup = await getSecret(namespace, name);
      const key = `${namespace}/${name}`;
      asked.add(key);
      if (lookup.status === 'found' && lookup.secret.revision !== undefined) {
        followed.set(key, followSecret(followed.get(key), lookup.secret.revision, now()));
      } else if (lookup.status === 'not-found') {
        followed.delete(key);
      }
      // A failed GET keeps what we knew.
      return lookup;
    },
    followed: (namespace, name) => followed.get(`${namespace}/${name}`),
    endPass() {
      for (const key of followed.keys()) if (!asked.has(key)) followed.delete(key);
      asked = new Set();
    },
    reset() {
      followed = new Map();
      asked = new Set();
    },
  };
}
