import { validateRoute } from '../webhook/routes/validate.js';
import { addSecretPolicyOptions, secretPolicyRouteOptions } from './secretPolicyFlags.js';
import type { WebhookContributor } from './webhookContributor.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

/** `/validate` for MCPServerEntry: the shared --mode and --secret-lookup-timeout flags, plus the Secret policy flags. */
export const validateContributor: WebhookContributor = {
  name: 'validate',
  addOptions: addSecretPolicyOptions,
  routes: (context) => {
    const { options, kubeConfig, logger, getSecret, namespaceLabels, registry } = context;
    const informers = sharedToolhiveInformers(context);
    return [
      validateRoute({
        getSecret,
        mode: options.mode,
        // One budget for all of a review's lookups: the API server's webhook timeout is never reached.
        lookupBudgetMs: options.secretLookupTimeout,
        namespaceLabels,
        registry,
        // Until the informer has listed, collisions cannot be checked: the route says so in a warning.
        siblings: (namespace) => (informers.synced() ? informers.entries(namespace) : undefined),
        ...secretPolicyRouteOptions({ options, kubeConfig, logger, registry }),
      }),
    ];
  },
};
