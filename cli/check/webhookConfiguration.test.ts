import { describe, expect, it } from 'vitest';
import type { ServingCertificate, Trust } from '../../certs/servingTrust.js';
import {
  MUTATING_WEBHOOK_NAME,
  SECRET_GUARD_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
} from '../../webhook/registrations/webhookConfigurations.js';
import { DEFAULT_TARGET as target } from './target.js';
import type { ConfigurationFacts, WebhookFacts } from './types.js';
import { webhookConfigurationCheck, type ServingForTrust } from './webhookConfiguration.js';

// Trust is decided by certs/servingTrust (its own tests, and evaluate.test.ts with real certificates); here the
// line a configuration gets for each answer.

const HOST = 'mcp-header-forward.mcp-header-forward.svc';
const leaf: ServingCertificate = {
  subject: `CN=${HOST}`,
  issuer: 'CN=webhook CA',
  dnsNames: [HOST],
  ipAddresses: [],
  notBefore: new Date(0),
  notAfter: new Date(0),
};
const service = { service: { namespace: 'mcp-header-forward', name: 'mcp-header-forward', port: 443 } };
const webhook = (name: string, extra: Partial<WebhookFacts> = {}): WebhookFacts => ({
  name,
  target: service,
  caBundlePem: 'PEM',
  ...extra,
});
const validating = (webhooks: WebhookFacts[]): ConfigurationFacts => ({
  kind: 'ValidatingWebhookConfiguration',
  read: { status: 'found', value: { webhooks } },
});
const trusting = (entries: [string, Trust][]): ServingForTrust => ({ leaf, trustByWebhook: new Map(entries) });
const both = [webhook(VALIDATING_WEBHOOK_NAME), webhook(SECRET_GUARD_WEBHOOK_NAME)];
const trusted: Trust = { trusted: true, anchor: 'CN=webhook CA' };

describe('webhookConfigurationCheck', () => {
  it('passes with the expected webhooks, their target, and a caBundle that trusts the serving certificate', () => {
    const result = webhookConfigurationCheck(
      target,
      validating(both),
      trusting([
        [VALIDATING_WEBHOOK_NAME, trusted],
        [SECRET_GUARD_WEBHOOK_NAME, trusted],
      ]),
    );
    expect(result).toEqual({
      id: 'configuration/ValidatingWebhookConfiguration',
      title: 'ValidatingWebhookConfiguration mcp-header-forward',
      status: 'pass',
      detail: '2 webhooks → Service mcp-header-forward/mcp-header-forward:443, caBundle trusts the serving certificate',
    });
  });

  it("fails when the caBundle does not trust it, once for all webhooks sharing the reason, with both overlays' fixes", () => {
    const distrust: Trust = { trusted: false, reason: 'no certificate in caBundle signed it' };
    const result = webhookConfigurationCheck(
      target,
      validating(both),
      trusting([
        [VALIDATING_WEBHOOK_NAME, distrust],
        [SECRET_GUARD_WEBHOOK_NAME, distrust],
      ]),
    );
    expect(result).toMatchObject({
      status: 'fail',
      detail: `webhooks ${VALIDATING_WEBHOOK_NAME}, ${SECRET_GUARD_WEBHOOK_NAME}: caBundle does not trust the serving certificate: no certificate in caBundle signed it`,
    });
    expect(result.fix).toContain('create job mcp-header-forward-certs-now --from=cronjob/mcp-header-forward-certs');
    expect(result.fix).toContain('cert-manager.io/inject-ca-from: mcp-header-forward/mcp-header-forward-serving');
  });

  it('fails on an empty caBundle', () => {
    const result = webhookConfigurationCheck(
      target,
      validating([webhook(VALIDATING_WEBHOOK_NAME, { caBundlePem: undefined }), both[1]!]),
      trusting([[SECRET_GUARD_WEBHOOK_NAME, trusted]]),
    );
    expect(result).toMatchObject({
      status: 'fail',
      detail: `webhook ${VALIDATING_WEBHOOK_NAME}: no caBundle: the API server cannot verify the webhook`,
    });
  });

  it('fails when a webhook the manifests register is absent', () => {
    const result = webhookConfigurationCheck(target, validating([both[0]!]), trusting([[VALIDATING_WEBHOOK_NAME, trusted]]));
    expect(result).toMatchObject({ status: 'fail', detail: `webhook ${SECRET_GUARD_WEBHOOK_NAME}: not registered` });
    expect(result.fix).toContain('re-apply the manifests');
  });

  it('fails when the host dialled is not in the certificate (a URL registration)', () => {
    const byUrl = webhook(MUTATING_WEBHOOK_NAME, { target: { url: 'https://10.0.0.7:8443/mutate' } });
    const result = webhookConfigurationCheck(
      target,
      { kind: 'MutatingWebhookConfiguration', read: { status: 'found', value: { webhooks: [byUrl] } } },
      trusting([[MUTATING_WEBHOOK_NAME, trusted]]),
    );
    expect(result).toMatchObject({
      status: 'fail',
      detail: `webhook ${MUTATING_WEBHOOK_NAME}: dials 10.0.0.7, which the serving certificate does not name`,
    });
  });

  it('warns when it calls another Service than --namespace/--service', () => {
    const result = webhookConfigurationCheck(
      { ...target, service: 'hook', namespace: 'other' },
      validating(both),
      trusting([
        [VALIDATING_WEBHOOK_NAME, trusted],
        [SECRET_GUARD_WEBHOOK_NAME, trusted],
      ]),
    );
    expect(result).toMatchObject({
      status: 'warn',
      fix: 'pass --namespace and --service for the Service it calls, or re-apply the manifests',
    });
    expect(result.detail).toBe(
      `webhooks ${VALIDATING_WEBHOOK_NAME}, ${SECRET_GUARD_WEBHOOK_NAME}: calls Service mcp-header-forward/mcp-header-forward, not other/hook`,
    );
  });

  it('warns that the caBundle could not be verified when there is no serving certificate', () => {
    expect(webhookConfigurationCheck(target, validating(both), { unavailable: 'no serving certificate was read' })).toMatchObject({
      status: 'warn',
      detail: `webhooks ${VALIDATING_WEBHOOK_NAME}, ${SECRET_GUARD_WEBHOOK_NAME}: caBundle not verified (no serving certificate was read)`,
    });
  });

  it('fails when missing or unreadable, with how to install or which permission', () => {
    expect(
      webhookConfigurationCheck(target, { kind: 'MutatingWebhookConfiguration', read: { status: 'missing' } }, { unavailable: 'x' }),
    ).toMatchObject({
      status: 'fail',
      detail: 'not found: nothing sends admission requests to the webhook',
      fix: expect.stringContaining('--webhook-configuration'),
    });
    expect(
      webhookConfigurationCheck(
        target,
        { kind: 'MutatingWebhookConfiguration', read: { status: 'error', message: 'HTTP 403' } },
        { unavailable: 'x' },
      ),
    ).toMatchObject({ status: 'fail', fix: 'you need get on mutatingwebhookconfigurations.admissionregistration.k8s.io' });
  });
});
