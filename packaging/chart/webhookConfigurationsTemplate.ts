import { stringify } from 'yaml';
import {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
  type FailurePolicy,
} from '../../webhook/registrations/webhookConfigurations.js';
import {
  EXCLUDED_NAMESPACES,
  FAILURE_POLICY,
  RELEASE_NAMESPACE,
  WEBHOOK_ANNOTATIONS,
  helmComment,
  labelsSentinel,
  sentinelsToTemplate,
} from './templateText.js';

// charts/mcp-header-forward/templates/webhook-configurations.yaml, from the code that builds the webhook
// registrations (manifests/base and the e2e harness use it too): the chart's values go in as sentinels.

export const WEBHOOK_CONFIGURATIONS_TEMPLATE = 'templates/webhook-configurations.yaml';

type Configuration = ReturnType<typeof validatingWebhookConfiguration> | ReturnType<typeof mutatingWebhookConfiguration>;

function withTemplatedMetadata(configuration: Configuration): object {
  const component = configuration.metadata?.labels?.['app.kubernetes.io/component'];
  if (component === undefined) throw new Error(`${configuration.kind} has no app.kubernetes.io/component label to template`);
  return {
    ...configuration,
    metadata: { name: configuration.metadata?.name, labels: labelsSentinel(component), annotations: WEBHOOK_ANNOTATIONS },
  };
}

export function renderWebhookConfigurationsTemplate(): string {
  const options = {
    namespace: RELEASE_NAMESPACE,
    failurePolicy: FAILURE_POLICY as FailurePolicy,
    excludedNamespaces: [EXCLUDED_NAMESPACES],
  };
  const documents = [validatingWebhookConfiguration(options), mutatingWebhookConfiguration(options)].map(withTemplatedMetadata);
  const header = helmComment([
    'Generated from webhook/registrations/webhookConfigurations.ts by packaging/chart: do not edit by hand.',
    'Regenerate: UPDATE_CHART=1 npx vitest run packaging/chart',
    'caBundle is left out on purpose: cert-manager (inject-ca-from) or the certs Job owns it.',
  ]);
  return header + sentinelsToTemplate(documents.map((document) => stringify(document, { lineWidth: 0 })).join('---\n'));
}
