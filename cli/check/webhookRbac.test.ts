import { describe, expect, it } from 'vitest';
import { asksFor, WEBHOOK_CLUSTER_RULES } from '../../webhook/registrations/rbac.js';
import type { WebhookRbacFacts } from './types.js';
import { serviceAccountGroups, serviceAccountUser, webhookRbacCheck } from './webhookRbac.js';

const serviceAccount = { namespace: 'mcp-header-forward', name: 'mcp-header-forward' };
const asks = asksFor(WEBHOOK_CLUSTER_RULES);
const facts = (allowed: (index: number) => boolean): WebhookRbacFacts => ({
  serviceAccount,
  fromDeployment: true,
  answers: asks.map((ask, index) => ({ ask, allowed: allowed(index), ...(allowed(index) ? {} : { reason: '' }) })),
});

describe('webhookRbacCheck', () => {
  it('passes when every rule the manifests grant is allowed', () => {
    expect(webhookRbacCheck(facts(() => true))).toEqual({
      id: 'webhook-rbac',
      title: 'Webhook RBAC (system:serviceaccount:mcp-header-forward:mcp-header-forward)',
      status: 'pass',
      detail: 'all 15 permissions granted (ServiceAccount from the Deployment)',
    });
  });

  it('fails listing each missing permission, with the manifests to apply', () => {
    const result = webhookRbacCheck(facts((index) => index !== 0 && index !== asks.length - 1));
    expect(result).toMatchObject({
      status: 'fail',
      detail: '2 of 15 missing: get secrets; delete policyreports.wgpolicyk8s.io "mcp-header-forward"',
    });
    expect(result.fix).toContain('manifests/base/rbac.yaml');
    expect(result.fix).toContain('ServiceAccount mcp-header-forward/mcp-header-forward');
  });

  it("quotes the authorizer's reason when it gives one", () => {
    const answers = [{ ask: asks[0]!, allowed: false, reason: 'RBAC: no binding' }];
    expect(webhookRbacCheck({ serviceAccount, fromDeployment: false, answers }).detail).toBe(
      '1 of 1 missing: get secrets (RBAC: no binding)',
    );
  });

  it('fails when it cannot ask, naming the permission check needs', () => {
    const result = webhookRbacCheck({
      serviceAccount,
      fromDeployment: false,
      answers: { error: 'the API server answered HTTP 403', code: 403 },
    });
    expect(result).toMatchObject({ status: 'fail', detail: 'cannot ask the authorizer: the API server answered HTTP 403' });
    expect(result.fix).toContain('create on subjectaccessreviews.authorization.k8s.io');
  });

  it('asks as the ServiceAccount the API server authenticates, with its groups', () => {
    expect(serviceAccountUser(serviceAccount)).toBe('system:serviceaccount:mcp-header-forward:mcp-header-forward');
    expect(serviceAccountGroups(serviceAccount)).toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:mcp-header-forward',
      'system:authenticated',
    ]);
  });
});
