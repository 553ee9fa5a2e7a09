import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { asksFor, describeAsk, WEBHOOK_CLUSTER_RULES, WEBHOOK_NAMESPACE_RULES, type PolicyRule } from './rbac.js';

// The rules `check` asks the authorizer about are the ones the manifests grant: a verb added to the YAML and
// not here (or the other way round) fails this test instead of making `check` lie.

function rulesOf(file: string, kind: string): PolicyRule[] {
  const text = readFileSync(new URL(`../../manifests/base/${file}`, import.meta.url), 'utf8');
  const role = parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string; rules?: PolicyRule[] })
    .find((object) => object.kind === kind);
  if (role?.rules === undefined) throw new Error(`${file} has no ${kind} with rules`);
  return role.rules;
}

describe('webhook RBAC as data', () => {
  it('equals the ClusterRole in manifests/base/rbac.yaml', () => {
    expect(rulesOf('rbac.yaml', 'ClusterRole')).toEqual(WEBHOOK_CLUSTER_RULES);
  });

  it('equals the Role in manifests/base/leader-election-rbac.yaml', () => {
    expect(rulesOf('leader-election-rbac.yaml', 'Role')).toEqual(WEBHOOK_NAMESPACE_RULES);
  });

  it('becomes one question per verb, resource and name, with subresources split off', () => {
    const asks = asksFor([
      { apiGroups: [''], resources: ['pods', 'pods/eviction'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['a', 'b'], verbs: ['get'] },
    ]);
    expect(asks).toEqual([
      { verb: 'create', group: '', resource: 'pods' },
      { verb: 'create', group: '', resource: 'pods', subresource: 'eviction' },
      { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name: 'a' },
      { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', name: 'b' },
    ]);
    expect(asks.map((ask) => describeAsk({ ...ask, namespace: 'ns' }))).toEqual([
      'create pods in namespace ns',
      'create pods/eviction in namespace ns',
      'get leases.coordination.k8s.io "a" in namespace ns',
      'get leases.coordination.k8s.io "b" in namespace ns',
    ]);
  });

  it('covers every rule of both manifests (15 questions for the cluster, 3 for the namespace)', () => {
    expect(asksFor(WEBHOOK_CLUSTER_RULES)).toHaveLength(15);
    expect(asksFor(WEBHOOK_NAMESPACE_RULES, 'mcp-header-forward')).toHaveLength(3);
  });
});
