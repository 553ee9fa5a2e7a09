import { AuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Cluster } from './harness/cluster.js';
import { MANIFESTS_DIR, kubectl, kustomize } from './install/render.js';
import { existingClusterRequested } from './kind/existingCluster.js';

// The RBAC the overlays install, applied for real and asked through SubjectAccessReviews: docs/install.md's RBAC
// table, verb by verb, including what each identity must NOT be able to do.

const info = inject('controlPlane');
const NS = 'mcp-header-forward';
const RBAC_KINDS = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
let cluster: Cluster;
let applied = '';

beforeAll(async () => {
  cluster = connect(info);
  const { objects } = await kustomize(info.kubectlPath, `${MANIFESTS_DIR}overlays/self-signed`);
  const rbac = objects.filter((o) => RBAC_KINDS.has(o.kind));
  await kubectl(info.kubectlPath, info.kubeconfigPath, ['apply', '-f', '-'], rbac.map((o) => JSON.stringify(o)).join('\n---\n'));
  applied = rbac
    .filter((o) => o.kind !== 'Namespace')
    .map((o) => JSON.stringify(o))
    .join('\n---\n');
});

// Other files start the webhook with exactly the RBAC they apply themselves: leave none behind. On kind the
// RBAC belongs to the installed webhook and stays.
afterAll(async () => {
  if (applied && !existingClusterRequested())
    await kubectl(info.kubectlPath, info.kubeconfigPath, ['delete', '--ignore-not-found', '-f', '-'], applied);
});

interface Ask {
  verb: string;
  resource: string;
  group?: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

async function allowed(serviceAccount: string, ask: Ask): Promise<boolean> {
  const review = await cluster.admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: `system:serviceaccount:${NS}:${serviceAccount}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated'],
        resourceAttributes: { group: ask.group ?? '', ...ask },
      },
    },
  });
  return review.status?.allowed ?? false;
}

const TOOLHIVE = 'toolhive.stacklok.dev';
const ADMISSION = 'admissionregistration.k8s.io';
const WGPOLICY = 'wgpolicyk8s.io';

describe('the webhook ServiceAccount', () => {
  it.each<[string, boolean, Ask]>([
    [
      'get a Secret by name, in any namespace (validation)',
      true,
      { verb: 'get', resource: 'secrets', namespace: 'team-a', name: 'api-key' },
    ],
    ['list Secrets', false, { verb: 'list', resource: 'secrets', namespace: 'team-a' }],
    ['watch Secrets', false, { verb: 'watch', resource: 'secrets' }],
    ['write Secrets', false, { verb: 'update', resource: 'secrets', namespace: 'team-a', name: 'api-key' }],
    ['list MCPServerEntries (injection)', true, { verb: 'list', resource: 'mcpserverentries', group: TOOLHIVE }],
    ['watch MCPServerEntries', true, { verb: 'watch', resource: 'mcpserverentries', group: TOOLHIVE }],
    ['list VirtualMCPServers', true, { verb: 'list', resource: 'virtualmcpservers', group: TOOLHIVE }],
    ['watch VirtualMCPServers', true, { verb: 'watch', resource: 'virtualmcpservers', group: TOOLHIVE }],
    ['update MCPServerEntries', false, { verb: 'update', resource: 'mcpserverentries', group: TOOLHIVE, namespace: 'team-a' }],
    ['list Namespaces (mode labels)', true, { verb: 'list', resource: 'namespaces' }],
    ['watch Namespaces', true, { verb: 'watch', resource: 'namespaces' }],
    [
      'ask the authorizer whether the requesting user may read a Secret',
      true,
      { verb: 'create', resource: 'subjectaccessreviews', group: 'authorization.k8s.io' },
    ],
    ['create Events (background scan findings on entries)', true, { verb: 'create', resource: 'events', namespace: 'team-a' }],
    ['update or delete Events', false, { verb: 'update', resource: 'events', namespace: 'team-a' }],
    ['create Pods', false, { verb: 'create', resource: 'pods', namespace: 'team-a' }],
    ['list Pods (drift check, vMCP label selector)', true, { verb: 'list', resource: 'pods', namespace: 'team-a' }],
    ['watch, delete or update Pods', false, { verb: 'delete', resource: 'pods', namespace: 'team-a', name: 'x' }],
    [
      'evict Pods (--remediate=evict, PDBs decide)',
      true,
      { verb: 'create', resource: 'pods', subresource: 'eviction', namespace: 'team-a', name: 'x' },
    ],
    [
      'get and update its drift Lease',
      true,
      { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: NS, name: 'mcp-header-forward-drift' },
    ],
    ['create a Lease in its namespace', true, { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: NS }],
    [
      'update another Lease',
      false,
      { verb: 'update', resource: 'leases', group: 'coordination.k8s.io', namespace: NS, name: 'kube-scheduler' },
    ],
    ['create Leases elsewhere', false, { verb: 'create', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-system' }],
    ['list PolicyReports (to compare its own)', true, { verb: 'list', resource: 'policyreports', group: WGPOLICY }],
    ['create a PolicyReport', true, { verb: 'create', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a' }],
    [
      'update its PolicyReport',
      true,
      { verb: 'update', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a', name: 'mcp-header-forward' },
    ],
    [
      'delete its PolicyReport',
      true,
      { verb: 'delete', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a', name: 'mcp-header-forward' },
    ],
    [
      "update or delete another engine's PolicyReport",
      false,
      { verb: 'update', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a', name: 'polr-ns-team-a' },
    ],
    [
      'delete PolicyReports by collection',
      false,
      { verb: 'deletecollection', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a' },
    ],
    [
      'patch PolicyReports',
      false,
      { verb: 'patch', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a', name: 'mcp-header-forward' },
    ],
    [
      'get a PolicyReport',
      false,
      { verb: 'get', resource: 'policyreports', group: WGPOLICY, namespace: 'team-a', name: 'mcp-header-forward' },
    ],
    ['watch PolicyReports', false, { verb: 'watch', resource: 'policyreports', group: WGPOLICY }],
    ['read ConfigMaps', false, { verb: 'get', resource: 'configmaps', namespace: 'team-a' }],
    [
      'patch its own webhook configuration',
      false,
      { verb: 'patch', resource: 'validatingwebhookconfigurations', group: ADMISSION, name: 'mcp-header-forward' },
    ],
  ])('%s: allowed=%s', async (_what, expected, ask) => {
    expect(await allowed('mcp-header-forward', ask)).toBe(expected);
  });
});

describe('the certs Job ServiceAccount (self-signed overlay)', () => {
  it.each<[string, boolean, Ask]>([
    ['get the serving Secret', true, { verb: 'get', resource: 'secrets', namespace: NS, name: 'mcp-header-forward-tls' }],
    ['update the serving Secret', true, { verb: 'update', resource: 'secrets', namespace: NS, name: 'mcp-header-forward-tls' }],
    ['create Secrets in its namespace (first install)', true, { verb: 'create', resource: 'secrets', namespace: NS }],
    ['get another Secret', false, { verb: 'get', resource: 'secrets', namespace: NS, name: 'something-else' }],
    ['create Secrets elsewhere', false, { verb: 'create', resource: 'secrets', namespace: 'team-a' }],
    ['list Secrets', false, { verb: 'list', resource: 'secrets', namespace: NS }],
    [
      'patch our ValidatingWebhookConfiguration',
      true,
      { verb: 'patch', resource: 'validatingwebhookconfigurations', group: ADMISSION, name: 'mcp-header-forward' },
    ],
    [
      'patch our MutatingWebhookConfiguration',
      true,
      { verb: 'patch', resource: 'mutatingwebhookconfigurations', group: ADMISSION, name: 'mcp-header-forward' },
    ],
    [
      "patch someone else's webhook configuration",
      false,
      { verb: 'patch', resource: 'mutatingwebhookconfigurations', group: ADMISSION, name: 'istio-sidecar-injector' },
    ],
    ['list webhook configurations', false, { verb: 'list', resource: 'validatingwebhookconfigurations', group: ADMISSION }],
  ])('%s: allowed=%s', async (_what, expected, ask) => {
    expect(await allowed('mcp-header-forward-certs', ask)).toBe(expected);
  });
});
