import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';

// The objects the webhook bench feeds in: a vMCP with 20 routed entries for /mutate, an entry with 10
// headers (6 from Secrets) for /validate, and the Secrets and lists the stand-in API server answers with.
// Pure: plain objects out.

export const NAMESPACE = 'tools';
const VMCP = 'gateway';
const GROUP = 'engineering';
export const MUTATE_ENTRIES = 20;
const V1BETA1 = `${TOOLHIVE_GROUP}/v1beta1`;

type Json = Record<string, unknown>;

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(name: string, keys: string[]): Json {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NAMESPACE, resourceVersion: '1' },
    type: 'Opaque',
    data: Object.fromEntries(keys.map((k) => [k, b64(`bench-${name}-${k}-value`)])),
  };
}

/** 4 plaintext headers and 6 from Secrets (3 Secrets, 2 keys each): what /validate checks per review. */
export function entryWithTenHeaders(name = 'analytics', group = GROUP): Json {
  return {
    apiVersion: V1BETA1,
    kind: 'MCPServerEntry',
    metadata: { name, namespace: NAMESPACE, uid: '0b6d0c1e-0000-4000-8000-00000000000a' },
    spec: {
      remoteUrl: 'https://mcp.analytics.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: group },
      headerForward: {
        addPlaintextHeaders: { 'X-MCP-Toolsets': 'repos,issues', 'X-Tenant': 'acme', 'X-Region': 'eu-west-1', 'X-Client': 'vmcp' },
        addHeadersFromSecret: [0, 1, 2].flatMap((s) =>
          ['token', 'signature'].map((key) => ({ headerName: `X-Secret-${s}-${key}`, valueSecretRef: { name: `creds-${s}`, key } })),
        ),
      },
    },
  };
}

/** The 20 entries the vMCP's group selects, each with a plaintext and a secret header. */
export function routedEntries(): Json[] {
  return Array.from({ length: MUTATE_ENTRIES }, (_, i) => routedEntry(i + 1));
}

function routedEntry(i: number): Json {
  return {
    apiVersion: V1BETA1,
    kind: 'MCPServerEntry',
    metadata: {
      name: `server-${String(i).padStart(2, '0')}`,
      namespace: NAMESPACE,
      uid: `0b6d0c1e-0000-4000-8000-0000000001${String(i).padStart(2, '0')}`,
      resourceVersion: '1',
    },
    spec: {
      remoteUrl: `https://mcp-${i}.example.com/mcp`,
      transport: i % 4 === 0 ? 'sse' : 'streamable-http',
      groupRef: { name: GROUP },
      headerForward: {
        addPlaintextHeaders: { 'X-MCP-Toolsets': 'all' },
        addHeadersFromSecret: [{ headerName: 'Authorization', valueSecretRef: { name: `server-${i}-token`, key: 'header' } }],
      },
    },
  };
}

export function virtualMcpServer(): Json {
  return {
    apiVersion: V1BETA1,
    kind: 'VirtualMCPServer',
    metadata: { name: VMCP, namespace: NAMESPACE, uid: '0b6d0c1e-0000-4000-8000-000000000100', resourceVersion: '1' },
    spec: { groupRef: { name: GROUP }, incomingAuth: { type: 'anonymous' } },
  };
}

/** A vMCP pod as ToolHive's operator creates it (same shape as webhook/mutate/testdata/basic-native/pod.yaml). */
export function vmcpPod(): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${VMCP}-7d9f8b6c5-`,
      namespace: NAMESPACE,
      labels: {
        app: 'virtualmcpserver',
        'app.kubernetes.io/name': 'virtualmcpserver',
        'app.kubernetes.io/instance': VMCP,
        toolhive: 'true',
        'toolhive-name': VMCP,
        'pod-template-hash': '7d9f8b6c5',
      },
      annotations: { 'toolhive.stacklok.dev/runconfig-checksum': '3f2a9c' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${VMCP}-7d9f8b6c5`,
          uid: '6b1e2f1c-0000-4000-8000-000000000001',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      serviceAccountName: `${VMCP}-vmcp`,
      containers: [
        {
          name: 'vmcp',
          image: 'ghcr.io/stacklok/toolhive/vmcp:v0.44.0',
          imagePullPolicy: 'IfNotPresent',
          args: ['serve', '--config=/etc/vmcp-config/config.yaml', '--host=0.0.0.0', '--port=4483'],
          env: [
            { name: 'VMCP_NAME', value: VMCP },
            { name: 'VMCP_NAMESPACE', value: NAMESPACE },
          ],
          ports: [{ name: 'http', containerPort: 4483, protocol: 'TCP' }],
          volumeMounts: [{ name: 'vmcp-config', mountPath: '/etc/vmcp-config', readOnly: true }],
        },
      ],
      volumes: [{ name: 'vmcp-config', configMap: { name: `${VMCP}-vmcp-config`, defaultMode: 420 } }],
    },
  };
}

export function admissionReview(kind: { group: string; version: string; kind: string }, resource: string, object: Json, uid: string): Json {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind,
      resource: { group: kind.group, version: kind.version, resource },
      requestKind: kind,
      requestResource: { group: kind.group, version: kind.version, resource },
      namespace: NAMESPACE,
      operation: 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        groups: ['system:serviceaccounts', 'system:authenticated'],
      },
      object,
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

export function validateReview(): Json {
  return admissionReview(
    { group: TOOLHIVE_GROUP, version: 'v1beta1', kind: 'MCPServerEntry' },
    ENTRY_PLURAL,
    entryWithTenHeaders(),
    '7f3c9a52-0000-4000-8000-000000000001',
  );
}

export function mutateReview(): Json {
  return admissionReview({ group: '', version: 'v1', kind: 'Pod' }, 'pods', vmcpPod(), '7f3c9a52-0000-4000-8000-000000000002');
}

function list(kind: string, apiVersion: string, items: Json[]): Json {
  return { apiVersion, kind, metadata: { resourceVersion: '1' }, items };
}

export function secrets(): Json[] {
  return [
    ...[0, 1, 2].map((s) => secret(`creds-${s}`, ['token', 'signature'])),
    ...Array.from({ length: MUTATE_ENTRIES }, (_, i) => secret(`server-${i + 1}-token`, ['header'])),
  ];
}

/** What the stand-in API server serves: informer lists by path and Secrets by namespace/name. */
export function standInFixtures(): { lists: Record<string, Json>; secrets: Record<string, Json> } {
  const entries = routedEntries();
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: NAMESPACE, labels: { 'kubernetes.io/metadata.name': NAMESPACE }, resourceVersion: '1' },
  };
  const byName = Object.fromEntries(secrets().map((s) => [`${NAMESPACE}/${(s.metadata as { name: string }).name}`, s]));
  return {
    lists: {
      '/api/v1/namespaces': list('NamespaceList', 'v1', [namespace]),
      [`/apis/${TOOLHIVE_GROUP}/v1beta1/${ENTRY_PLURAL}`]: list('MCPServerEntryList', V1BETA1, entries),
      [`/apis/${TOOLHIVE_GROUP}/v1beta1/${VMCP_PLURAL}`]: list('VirtualMCPServerList', V1BETA1, [virtualMcpServer()]),
    },
    secrets: byName,
  };
}

/** The same object as a client would create it: no uid or resourceVersion. */
export function forCreate(object: Json): Json {
  const { uid: _uid, resourceVersion: _rv, ...metadata } = object.metadata as Record<string, unknown>;
  return { ...object, metadata };
}
