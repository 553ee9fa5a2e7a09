import type { MCPServerEntry } from '../../contract/toolhive.js';
import type { LookupBounds } from './boundedLookups.js';
import { lookupAll } from './boundedLookups.js';
import { LOOKUP_FALLBACKS, referencedSecretNames, type GetSecret } from './lookup.js';
import type { SecretLookup, SecretLookupResults } from './types.js';

/** Who sent the admission request (AdmissionRequest.userInfo), as a SubjectAccessReview needs it. */
export interface Requester {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

/** May the requester `get` Secret namespace/name? Implementations report failures as `{ error }`. */
export type CanReadSecret = (requester: Requester, namespace: string, name: string) => Promise<AccessAnswer>;

export type AccessAnswer = { allowed: boolean } | { error: string };

/**
 * Authorisation before existence: ask whether the requester may read each referenced Secret, and GET only the
 * ones they may. For the others the result says `forbidden` (or `access-unknown`), never whether they exist.
 */
export async function lookupReadableSecrets(
  entry: MCPServerEntry,
  namespace: string,
  requester: Requester | undefined,
  edges: { getSecret: GetSecret; canReadSecret: CanReadSecret },
  bounds: LookupBounds = {},
): Promise<SecretLookupResults> {
  return lookupAll(referencedSecretNames(entry), lookupOne, LOOKUP_FALLBACKS, bounds);

  async function lookupOne(name: string): Promise<SecretLookup> {
    if (requester === undefined || requester.username === '') {
      return { status: 'access-unknown', user: '', reason: 'the AdmissionReview carries no userInfo.username' };
    }
    const answer = await settle(
      () => edges.canReadSecret(requester, namespace, name),
      (error) => ({ error }),
    );
    if ('error' in answer) return { status: 'access-unknown', user: requester.username, reason: answer.error };
    if (!answer.allowed) return { status: 'forbidden', user: requester.username };
    return settle(
      () => edges.getSecret(namespace, name),
      (reason) => ({ status: 'error', reason }),
    );
  }
}

/** Run an edge call; a throw (which implementations should not do) becomes its failure value. */
async function settle<T>(call: () => Promise<T>, failure: (message: string) => T): Promise<T> {
  try {
    return await call();
  } catch (error: unknown) {
    return failure(error instanceof Error ? error.message : String(error));
  }
}

/** The requester from AdmissionRequest.userInfo; undefined when the API server sent none. */
export function requesterFrom(
  userInfo:
    | {
        username?: string | undefined;
        uid?: string | undefined;
        groups?: string[] | undefined;
        extra?: Record<string, string[]> | undefined;
      }
    | undefined,
): Requester | undefined {
  if (userInfo?.username === undefined) return undefined;
  return {
    username: userInfo.username,
    ...(userInfo.uid !== undefined && userInfo.uid !== '' ? { uid: userInfo.uid } : {}),
    groups: [...(userInfo.groups ?? [])],
    extra: Object.fromEntries(Object.entries(userInfo.extra ?? {}).map(([k, v]) => [k, [...v]])),
  };
}
