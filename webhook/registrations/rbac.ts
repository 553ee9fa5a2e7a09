import { DEFAULT_LEASE_ID } from '../app/leadership.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';
import { POLICY_REPORT_GROUP, POLICY_REPORT_NAME, POLICY_REPORT_PLURAL } from '../report/policyReport.js';

// What the webhook's ServiceAccount is granted, as data: manifests/base/rbac.yaml (ClusterRole) and
// leader-election-rbac.yaml (Role in its own namespace) must grant exactly these (rbacInSync.test.ts), and
// `check` asks the authorizer for each of them. The YAML keeps the comments saying why each verb is needed.

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** manifests/base/rbac.yaml, ClusterRole mcp-header-forward, bound to the webhook's ServiceAccount. */
export const WEBHOOK_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  { apiGroups: [TOOLHIVE_GROUP], resources: [ENTRY_PLURAL, VMCP_PLURAL], verbs: ['list', 'watch'] },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
  { apiGroups: [POLICY_REPORT_GROUP], resources: [POLICY_REPORT_PLURAL], verbs: ['list', 'create'] },
  { apiGroups: [POLICY_REPORT_GROUP], resources: [POLICY_REPORT_PLURAL], resourceNames: [POLICY_REPORT_NAME], verbs: ['update', 'delete'] },
];

/** manifests/base/leader-election-rbac.yaml, Role in the webhook's namespace: its drift Lease. */
export const WEBHOOK_NAMESPACE_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [DEFAULT_LEASE_ID], verbs: ['get', 'update'] },
];

/** One authorizer question: may `verb` be done on this resource (in `namespace`, on `name`)? */
export interface ResourceAsk {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** Absent: every namespace (a ClusterRole bound cluster-wide), or a cluster-scoped resource. */
  namespace?: string;
  name?: string;
}

/** Every (verb, resource, name) a list of rules grants, one question each; `pods/eviction` splits into resource and subresource. */
export function asksFor(rules: readonly PolicyRule[], namespace?: string): ResourceAsk[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((full) => {
        const [resource, subresource] = full.split('/') as [string, string | undefined];
        return rule.verbs.flatMap((verb) =>
          (rule.resourceNames ?? [undefined]).map((name) => ({
            verb,
            group,
            resource,
            ...(subresource === undefined ? {} : { subresource }),
            ...(namespace === undefined ? {} : { namespace }),
            ...(name === undefined ? {} : { name }),
          })),
        );
      }),
    ),
  );
}

/** `get secrets`, `create pods/eviction`, `update leases "mcp-header-forward-drift" in ns`: how a question reads in messages. */
export function describeAsk(ask: ResourceAsk): string {
  const resource = `${ask.resource}${ask.subresource === undefined ? '' : `/${ask.subresource}`}${ask.group === '' ? '' : `.${ask.group}`}`;
  const name = ask.name === undefined ? '' : ` ${JSON.stringify(ask.name)}`;
  const where = ask.namespace === undefined ? '' : ` in namespace ${ask.namespace}`;
  return `${ask.verb} ${resource}${name}${where}`;
}
