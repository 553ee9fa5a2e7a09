import { validateRoute } from '../webhook/routes/validate.js';
import { addSecretPolicyOptions, secretPolicyRouteOptions } from './secretPolicyFlags.js';
import type { WebhookContributor } from './webhookContributor.js';

/** `/validate` for MCPServerEntry: the shared --mode and --secret-lookup-timeout flags, plus the Secret policy flags. */
export const validateContributor: WebhookContributor = {
  name: 'validate',
  addOptions: addSecretPolicyOptions,
  routes: ({ options, kubeConfig, logger, getSecret, namespaceLabels, registry }) => [
    validateRoute({ getSecret, mode: options.mode, namespaceLabels, registry, ...secretPolicyRouteOptions({ options, kubeConfig, logger, registry }) }),
  ],
};
