import { stringify } from 'yaml';
import { mutatingWebhookConfiguration, validatingWebhookConfiguration, type WebhookConfigOptions } from './webhookConfigurations.js';

/** manifests/base/webhook-configurations.yaml, byte for byte: regenerate with `UPDATE_MANIFESTS=1 npx vitest run webhook/registrations`. */
export function renderWebhookConfigurationsYaml(options: WebhookConfigOptions = {}): string {
  const header = [
    '# Generated from webhook/registrations/webhookConfigurations.ts: do not edit by hand.',
    '# Regenerate: UPDATE_MANIFESTS=1 npx vitest run webhook/registrations',
    '# caBundle is left out on purpose: cert-manager (inject-ca-from) or the certs Job owns it.',
  ].join('\n');
  const documents = [validatingWebhookConfiguration(options), mutatingWebhookConfiguration(options)];
  return `${header}\n${documents.map((document) => stringify(document, { lineWidth: 0 })).join('---\n')}`;
}
