import { validateSecretsRoute } from '../webhook/routes/validateSecrets.js';
import { SecretReferenceIndex } from '../webhook/secretGuard/references.js';
import type { WebhookContributor } from './webhookContributor.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

/** `/validate-secrets`: the Secret-deletion guard, answering from an index of entry -> Secret references. */
export function secretGuardContributor(): WebhookContributor {
  let unsubscribe: (() => void) | undefined;
  return {
    name: 'validate-secrets',
    routes(context) {
      const informers = sharedToolhiveInformers(context);
      const index = new SecretReferenceIndex();
      unsubscribe = informers.onEntryChange((change) => {
        if (change.type === 'upsert') index.upsert(change.entry);
        else index.delete(change.namespace, change.name);
      });
      // Entries the informer already holds (another contributor started it first).
      for (const entry of informers.allEntries()) index.upsert(entry);
      return [
        validateSecretsRoute({
          users: (namespace, secret) => index.users(namespace, secret),
          mode: context.options.mode,
          namespaces: context.namespaceLabels,
          synced: () => informers.synced(),
          registry: context.registry,
        }),
      ];
    },
    async stop() {
      unsubscribe?.();
    },
  };
}
