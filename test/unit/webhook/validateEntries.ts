// Test fixtures for the rules: entries in both served versions and Secret lookups, as plain data.
import { mcpServerEntrySchema, type MCPServerEntry } from '../../../contract/toolhive.js';
import { secretFacts } from '../../../webhook/validate/secretFacts.js';
import type { SecretLookup, SecretLookupResults } from '../../../webhook/validate/types.js';

export const API_VERSIONS = ['toolhive.stacklok.dev/v1alpha1', 'toolhive.stacklok.dev/v1beta1'] as const;

export interface EntryFixture {
  name?: string;
  namespace?: string;
  apiVersion?: string;
  deletionTimestamp?: string;
  spec?: Record<string, unknown>;
}

/** A valid entry unless `spec` says otherwise: https remote, one plaintext and one secret header. */
export function entry(fixture: EntryFixture = {}): MCPServerEntry {
  return mcpServerEntrySchema.parse({
    apiVersion: fixture.apiVersion ?? 'toolhive.stacklok.dev/v1beta1',
    kind: 'MCPServerEntry',
    metadata: {
      name: fixture.name ?? 'github',
      namespace: fixture.namespace ?? 'team-a',
      ...(fixture.deletionTimestamp !== undefined ? { deletionTimestamp: fixture.deletionTimestamp } : {}),
    },
    spec: {
      remoteUrl: 'https://api.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: 'tools' },
      headerForward: {
        addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos,issues' },
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } }],
      },
      ...fixture.spec,
    },
  });
}

export function headerForward(forward: Record<string, unknown>): EntryFixture['spec'] {
  return { headerForward: forward };
}

/** A found Secret with string values (only their facts are kept). */
export function foundSecret(name: string, values: Record<string, string>, annotations: Record<string, string> = {}): SecretLookup {
  return { status: 'found', secret: secretFacts({ metadata: { name, namespace: 'team-a', annotations }, stringData: values }, 'team-a') };
}

export function lookups(entries: Record<string, SecretLookup>): SecretLookupResults {
  return new Map(Object.entries(entries));
}

/** The lookups that make `entry()` valid. */
export const GOOD_SECRETS: SecretLookupResults = lookups({ 'github-token': foundSecret('github-token', { token: 'ghp_example' }) });
