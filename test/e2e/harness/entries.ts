import { ApiException, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { parseWarningHeader } from '../../../cli/check/warningHeader.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
export type EntryVersion = 'v1alpha1' | 'v1beta1';

export interface HeaderForward {
  addPlaintextHeaders?: Record<string, string>;
  addHeadersFromSecret?: { headerName: string; valueSecretRef: { name: string; key: string } }[];
}

export interface EntryManifest {
  apiVersion: string;
  kind: 'MCPServerEntry';
  metadata: { name: string; labels?: Record<string, string>; finalizers?: string[]; resourceVersion?: string };
  spec: { remoteUrl: string; transport: 'streamable-http' | 'sse'; groupRef: { name: string }; headerForward?: HeaderForward };
}

/** An MCPServerEntry as a person would write it; only headerForward varies in most cases. */
export function entryManifest(name: string, headerForward: HeaderForward | undefined, version: EntryVersion = 'v1beta1'): EntryManifest {
  return {
    apiVersion: `${TOOLHIVE_GROUP}/${version}`,
    kind: 'MCPServerEntry',
    metadata: { name },
    spec: {
      remoteUrl: 'https://mcp.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: 'tools' },
      ...(headerForward ? { headerForward } : {}),
    },
  };
}

/** What the client saw: admitted (with any Warning headers) or rejected (HTTP status and the Status message). */
export type AdmissionOutcome =
  { admitted: true; object: EntryManifest; warnings: string[] } | { admitted: false; status: number; message: string; warnings: string[] };

// The parser is check's (cli/check/warningHeader.ts): tests read Warning headers as the CLI does.
export { parseWarningHeader };

async function outcomeOf(call: Promise<{ data: unknown; headers: Record<string, string> }>): Promise<AdmissionOutcome> {
  try {
    const response = await call;
    return { admitted: true, object: response.data as EntryManifest, warnings: parseWarningHeader(response.headers.warning) };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = typeof error.body === 'string' ? (JSON.parse(error.body) as { message?: string }) : (error.body as { message?: string });
    return {
      admitted: false,
      status: error.code,
      message: body?.message ?? String(error.body),
      warnings: parseWarningHeader(error.headers.warning),
    };
  }
}

/** The MCPServerEntry API of one namespace, through the real client library, reporting admission outcomes. */
export function entriesApi(config: KubeConfig, namespace: string) {
  const custom = config.makeApiClient(CustomObjectsApi);
  const target = (version: EntryVersion) => ({ group: TOOLHIVE_GROUP, version, namespace, plural: ENTRY_PLURAL });
  const versionOf = (entry: EntryManifest): EntryVersion => entry.apiVersion.split('/')[1] as EntryVersion;
  return {
    create(entry: EntryManifest, options: { dryRun?: boolean } = {}): Promise<AdmissionOutcome> {
      return outcomeOf(
        custom.createNamespacedCustomObjectWithHttpInfo({
          ...target(versionOf(entry)),
          body: entry,
          ...(options.dryRun ? { dryRun: 'All' } : {}),
        }),
      );
    },
    /** A JSON merge patch (`kubectl patch --type merge`). */
    patch(name: string, patch: object, version: EntryVersion = 'v1beta1'): Promise<AdmissionOutcome> {
      return outcomeOf(
        custom.patchNamespacedCustomObjectWithHttpInfo(
          { ...target(version), name, body: patch },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
    },
    async get(name: string, version: EntryVersion = 'v1beta1'): Promise<EntryManifest | undefined> {
      return (custom.getNamespacedCustomObject({ ...target(version), name }) as Promise<EntryManifest>).catch((error: unknown) => {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      });
    },
    async delete(name: string, version: EntryVersion = 'v1beta1'): Promise<void> {
      await custom.deleteNamespacedCustomObject({ ...target(version), name });
    },
  };
}
export type EntriesApi = ReturnType<typeof entriesApi>;
