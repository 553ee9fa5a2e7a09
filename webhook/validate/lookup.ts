import type { MCPServerEntry } from '../../contract/toolhive.js';
import type { SecretLookup, SecretLookupResults } from './types.js';

/** Look one Secret up by name. Implementations report errors as `{status:'error'}`; a throw is caught anyway. */
export type GetSecret = (namespace: string, name: string) => Promise<SecretLookup>;

/** The Secret names an entry references, unique and sorted (one GET each). */
export function referencedSecretNames(entry: MCPServerEntry): string[] {
  const names = (entry.spec.headerForward?.addHeadersFromSecret ?? [])
    .map((header) => header.valueSecretRef?.name ?? '')
    .filter((name) => name !== '');
  return [...new Set(names)].sort();
}

/** Collect refs -> GET each (in parallel) -> plain map for the pure rules. */
export async function lookupSecrets(entry: MCPServerEntry, namespace: string, getSecret: GetSecret): Promise<SecretLookupResults> {
  const names = referencedSecretNames(entry);
  const results = await Promise.all(
    names.map(async (name): Promise<[string, SecretLookup]> => {
      try {
        return [name, await getSecret(namespace, name)];
      } catch (error: unknown) {
        return [name, { status: 'error', reason: error instanceof Error ? error.message : String(error) }];
      }
    }),
  );
  return new Map(results);
}
