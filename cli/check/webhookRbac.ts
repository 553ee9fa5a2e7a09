import { describeAsk } from '../../webhook/registrations/rbac.js';
import { INSTALL_HINT } from './deployment.js';
import type { CheckResult, WebhookRbacFacts } from './types.js';

// The webhook's ServiceAccount, asked verb by verb through SubjectAccessReviews: the rules come from
// webhook/registrations/rbac.ts, which a test keeps equal to what manifests/base grants.

export function serviceAccountUser(account: { namespace: string; name: string }): string {
  return `system:serviceaccount:${account.namespace}:${account.name}`;
}

/** The groups the API server gives every ServiceAccount token; RBAC bindings to them count too. */
export function serviceAccountGroups(account: { namespace: string }): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${account.namespace}`, 'system:authenticated'];
}

export function webhookRbacCheck(facts: WebhookRbacFacts): CheckResult {
  const user = serviceAccountUser(facts.serviceAccount);
  const base = { id: 'webhook-rbac', title: `Webhook RBAC (${user})` };
  const { answers } = facts;
  if (!Array.isArray(answers)) {
    return {
      ...base,
      status: 'fail',
      detail: `cannot ask the authorizer: ${answers.error}`,
      fix: 'check needs create on subjectaccessreviews.authorization.k8s.io to ask on behalf of the webhook (a cluster admin has it)',
    };
  }
  const denied = answers.filter((answer) => !answer.allowed);
  const source = facts.fromDeployment ? 'the Deployment' : 'the manifests (Deployment not read)';
  if (denied.length === 0)
    return { ...base, status: 'pass', detail: `all ${answers.length} permissions granted (ServiceAccount from ${source})` };
  const missing = denied.map(
    (answer) => `${describeAsk(answer.ask)}${answer.reason === undefined || answer.reason === '' ? '' : ` (${answer.reason})`}`,
  );
  return {
    ...base,
    status: 'fail',
    detail: `${denied.length} of ${answers.length} missing: ${missing.join('; ')}`,
    fix: `apply the webhook's ClusterRole, Role and bindings (manifests/base/rbac.yaml, leader-election-rbac.yaml: ${INSTALL_HINT}); the bindings must name ServiceAccount ${facts.serviceAccount.namespace}/${facts.serviceAccount.name}`,
  };
}
