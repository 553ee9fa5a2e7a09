// AdmissionReview bodies as the API server sends them, for MCPServerEntry and other kinds.
import { randomUUID } from 'node:crypto';

export interface ReviewOptions {
  operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  namespace?: string;
  object?: Record<string, unknown> | null;
  oldObject?: Record<string, unknown> | null;
  version?: 'v1alpha1' | 'v1beta1';
  kind?: { group: string; version: string; kind: string };
  resource?: string;
  uid?: string;
}

export function admissionReview(options: ReviewOptions): Record<string, unknown> {
  const version = options.version ?? 'v1beta1';
  const kind = options.kind ?? { group: 'toolhive.stacklok.dev', version, kind: 'MCPServerEntry' };
  const metadata = (options.object?.metadata ?? options.oldObject?.metadata ?? {}) as { name?: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? randomUUID(),
      kind,
      resource: { group: kind.group, version: kind.version, resource: options.resource ?? 'mcpserverentries' },
      name: metadata.name,
      namespace: options.namespace ?? 'team-a',
      operation: options.operation ?? 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object: options.object === undefined ? null : options.object,
      oldObject: options.oldObject === undefined ? null : options.oldObject,
      dryRun: false,
    },
  };
}

export function entryObject(
  options: {
    name?: string;
    namespace?: string;
    version?: 'v1alpha1' | 'v1beta1';
    spec?: Record<string, unknown>;
    deletionTimestamp?: string;
  } = {},
): Record<string, unknown> {
  return {
    apiVersion: `toolhive.stacklok.dev/${options.version ?? 'v1beta1'}`,
    kind: 'MCPServerEntry',
    metadata: {
      name: options.name ?? 'github',
      namespace: options.namespace ?? 'team-a',
      ...(options.deletionTimestamp !== undefined
        ? { deletionTimestamp: options.deletionTimestamp, finalizers: ['toolhive.stacklok.dev/finalizer'] }
        : {}),
    },
    spec: {
      remoteUrl: 'https://api.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: 'tools' },
      headerForward: {
        addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos' },
        addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } }],
      },
      ...options.spec,
    },
  };
}
