import { describe, expect, it } from 'vitest';
import {
  MUTATE_PATH,
  VALIDATE_PATH,
  injectionNamespaceSelector,
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from './webhookConfigurations.js';

describe('webhook configurations', () => {
  it('point the in-cluster Service on 443 at /validate and /mutate by default', () => {
    const validating = validatingWebhookConfiguration({ namespace: 'team-a' });
    const mutating = mutatingWebhookConfiguration({ namespace: 'team-a' });
    expect(validating.webhooks[0]!.clientConfig).toEqual({
      service: { name: 'mcp-header-forward', namespace: 'team-a', path: VALIDATE_PATH, port: 443 },
    });
    expect(mutating.webhooks[0]!.clientConfig.service?.path).toBe(MUTATE_PATH);
  });

  it('build a URL endpoint for a webhook outside the cluster, without doubling the slash', () => {
    const config = validatingWebhookConfiguration({ endpoint: { url: 'https://127.0.0.1:8443/' }, caBundle: 'Q0E=' });
    expect(config.webhooks[0]!.clientConfig).toEqual({ url: 'https://127.0.0.1:8443/validate', caBundle: 'Q0E=' });
  });

  it('leave caBundle out unless given, so cert-manager or the certs Job can own it', () => {
    expect(mutatingWebhookConfiguration().webhooks[0]!.clientConfig).not.toHaveProperty('caBundle');
  });

  it('exclude system namespaces, the webhook namespace and opted-out namespaces from injection', () => {
    expect(injectionNamespaceSelector('mhf')).toEqual({
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'mhf'] },
        { key: 'mcp-header-forward.dev/inject', operator: 'NotIn', values: ['disabled'] },
      ],
    });
  });

  it('add the excluded namespaces to the injector selector only, after its own namespace', () => {
    const mutating = mutatingWebhookConfiguration({ namespace: 'mhf', excludedNamespaces: ['team-x'] });
    expect(mutating.webhooks[0]!.namespaceSelector?.matchExpressions?.[0]?.values).toEqual(['kube-system', 'kube-public', 'mhf', 'team-x']);
    expect(validatingWebhookConfiguration({ excludedNamespaces: ['team-x'] })).toEqual(validatingWebhookConfiguration());
  });

  it('fail closed and re-invoke the injector by default', () => {
    const webhook = mutatingWebhookConfiguration().webhooks[0]!;
    expect(webhook.failurePolicy).toBe('Fail');
    expect(webhook.reinvocationPolicy).toBe('IfNeeded');
    expect(webhook.objectSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'virtualmcpserver' } });
  });

  it.each([0, 31, 2.5])('reject timeoutSeconds %s, which the API server would refuse', (timeoutSeconds) => {
    expect(() => validatingWebhookConfiguration({ timeoutSeconds })).toThrow(/timeoutSeconds.*1\.\.30/);
  });
});
