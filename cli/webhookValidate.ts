import { validateRoute } from '../webhook/routes/validate.js';
import type { WebhookContributor } from './webhookContributor.js';

/** `/validate` for MCPServerEntry: uses the shared --mode and --secret-lookup-timeout flags. */
export const validateContributor: WebhookContributor = {
  name: 'validate',
  routes: ({ options, getSecret, namespaceLabels, registry }) => [
    validateRoute({ getSecret, mode: options.mode, namespaceLabels, registry }),
  ],
};
