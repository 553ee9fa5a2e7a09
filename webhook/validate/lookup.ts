import type { MCPServerEntry } from '../../contract/toolhive.js';
import { lookupAll, type LookupBounds } from './boundedLookups.js';
import { forwardedHeaderCount, MAX_HEADERS_PER_ENTRY } from './headerCount.js';
import type { SecretLookup, SecretLookupResults } from './types.js';

/** Look one Secret up by name. Implementations report errors as `{status:'error'}`; a throw is caught anyway. */
export type GetSecret = (namespace: string, name: string) => Promise<SecretLookup>;

/** The Secret names an entry references, unique and sorted (one GET each); none for an entry over the header limit. */
export function referencedSecretNames(entry: MCPServerEntry): string[] {
  if (forwardedHeaderCount(entry) > MAX_HEADERS_PER_ENTRY) return [];
  const names = (entry.spec.headerForward?.addHeadersFromSecret ?? [])
    .map((header) => header.valueSecretRef?.name ?? '')
    .filter((name) => name !== '');
  return [...new Set(names)].sort();
}

/** Collect refs -> GET each (in parallel) -> plain map for the pure rules. */
export function lookupSecrets(
  entry: MCPServerEntry,
  namespace: string,
  getSecret: GetSecret,
  bounds: LookupBounds = {},
): Promise<SecretLookupResults> {
  return lookupAll(referencedSecretNames(entry), (name) => getSecret(namespace, name), LOOKUP_FALLBACKS, bounds);
}

/** What a lookup that threw or did not answer in time looks like to the rules: could not check (fail closed). */
export const LOOKUP_FALLBACKS = {
  failed: (reason: string): SecretLookup => ({ status: 'error', reason }),
  late: (): SecretLookup => ({ status: 'error', reason: 'no answer before the review deadline' }),
};
