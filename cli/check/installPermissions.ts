import { describeAsk, type ResourceAsk } from '../../webhook/registrations/rbac.js';
import type { AccessAnswer, CheckResult } from './types.js';

// `check --pre`: may the person about to run `kubectl apply -k manifests/overlays/<overlay>` do it? kubectl
// apply gets, creates and (on upgrade) patches every object; and RBAC lets a user create a Role or binding
// only for permissions they hold themselves, unless they may `escalate` and `bind`.

export const OVERLAYS = ['self-signed', 'cert-manager'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface InstallKind {
  kind: string;
  group: string;
  resource: string;
  namespaced: boolean;
}

const kind = (name: string, group: string, resource: string, namespaced = true): InstallKind => ({
  kind: name,
  group,
  resource,
  namespaced,
});

/** Every kind of object manifests/base creates (installPermissions.test.ts reads the YAML to keep this complete). */
export const BASE_KINDS: readonly InstallKind[] = [
  kind('Namespace', '', 'namespaces', false),
  kind('ServiceAccount', '', 'serviceaccounts'),
  kind('ClusterRole', 'rbac.authorization.k8s.io', 'clusterroles', false),
  kind('ClusterRoleBinding', 'rbac.authorization.k8s.io', 'clusterrolebindings', false),
  kind('Role', 'rbac.authorization.k8s.io', 'roles'),
  kind('RoleBinding', 'rbac.authorization.k8s.io', 'rolebindings'),
  kind('Service', '', 'services'),
  kind('Deployment', 'apps', 'deployments'),
  kind('PodDisruptionBudget', 'policy', 'poddisruptionbudgets'),
  kind('ValidatingWebhookConfiguration', 'admissionregistration.k8s.io', 'validatingwebhookconfigurations', false),
  kind('MutatingWebhookConfiguration', 'admissionregistration.k8s.io', 'mutatingwebhookconfigurations', false),
];

/** What each overlay adds to the base. */
export const OVERLAY_KINDS: Record<Overlay, readonly InstallKind[]> = {
  'self-signed': [kind('Job', 'batch', 'jobs'), kind('CronJob', 'batch', 'cronjobs')],
  'cert-manager': [kind('Issuer', 'cert-manager.io', 'issuers'), kind('Certificate', 'cert-manager.io', 'certificates')],
};

export const APPLY_VERBS = ['get', 'create', 'patch'] as const;

/** The questions for the objects of an install into `namespace`. */
export function installAsks(overlay: Overlay, namespace: string): ResourceAsk[] {
  return [...BASE_KINDS, ...OVERLAY_KINDS[overlay]].flatMap((k) =>
    APPLY_VERBS.map((verb) => ({ verb, group: k.group, resource: k.resource, ...(k.namespaced ? { namespace } : {}) })),
  );
}

/** What lets a user create Roles and bindings for permissions they do not hold. */
export function escalationAsks(namespace: string): ResourceAsk[] {
  const rbac = 'rbac.authorization.k8s.io';
  return [
    { verb: 'escalate', group: rbac, resource: 'clusterroles' },
    { verb: 'bind', group: rbac, resource: 'clusterroles' },
    { verb: 'escalate', group: rbac, resource: 'roles', namespace },
    { verb: 'bind', group: rbac, resource: 'roles', namespace },
  ];
}

export interface InstallPermissionFacts {
  overlay: Overlay;
  namespace: string;
  /** APPLY_VERBS on every object kind. */
  objects: AccessAnswer<ResourceAsk>[];
  /** The webhook's own rules, asked for the caller: held ones can be granted. */
  grants: AccessAnswer<ResourceAsk>[];
  escalation: AccessAnswer<ResourceAsk>[];
}

const denied = (answers: AccessAnswer<ResourceAsk>[]): string[] => answers.filter((a) => !a.allowed).map((a) => describeAsk(a.ask));

export function installPermissionsCheck(facts: InstallPermissionFacts | { error: string }): CheckResult {
  const base = { id: 'install-permissions', title: 'Your permissions to install' };
  if ('error' in facts) {
    return {
      ...base,
      status: 'fail',
      detail: `cannot ask the authorizer: ${facts.error}`,
      fix: 'SelfSubjectAccessReviews are open to every authenticated user; check the credentials',
    };
  }
  const overlay = `manifests/overlays/${facts.overlay}`;
  const missingObjects = denied(facts.objects);
  const ungranted = denied(facts.grants);
  const mayEscalate = facts.escalation.every((a) => a.allowed);
  const problems = [
    ...(missingObjects.length > 0 ? [`may not ${missingObjects.join('; ')}`] : []),
    ...(ungranted.length > 0 && !mayEscalate
      ? [
          `cannot grant the webhook what you do not hold yourself (${ungranted.join('; ')}) and may not ${denied(facts.escalation).join('; ')}`,
        ]
      : []),
  ];
  if (problems.length === 0) {
    const how = ungranted.length === 0 ? 'you hold every permission the webhook is granted' : 'you may escalate and bind Roles';
    return {
      ...base,
      status: 'pass',
      detail: `kubectl apply -k ${overlay} into namespace ${facts.namespace} is allowed (${facts.objects.length} object permissions; ${how})`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: problems.join('; '),
    fix: `install as a cluster admin (kubectl auth can-i --list shows what you may do), or have one apply ${overlay} for you`,
  };
}
