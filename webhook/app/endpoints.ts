import type { Logger } from 'pino';
import type { AdmissionRoute } from '../admission/route.js';
import { createAccessCache } from '../cluster/accessCache.js';
import { createSecretReadCheck } from '../cluster/accessReview.js';
import { sharingFoundAnswers } from '../cluster/sharedLookups.js';
import { mutateRoute } from '../endpoints/mutate.js';
import { validateRoute } from '../endpoints/validate.js';
import { validateSecretsRoute } from '../endpoints/validateSecrets.js';
import { SecretReferenceIndex } from '../secretGuard/references.js';
import { rulesFor } from '../validate/secretPolicy.js';
import type { Clients } from './clients.js';
import type { WebhookConfig } from './config.js';

// The admission endpoints, in the order they are served: each a pure review over the shared caches.

export interface Endpoints {
  routes: AdmissionRoute[];
  stop(): void;
}

export function admissionEndpoints(config: WebhookConfig, clients: Clients, logger: Logger): Endpoints {
  const references = secretReferences(clients);
  return {
    routes: [
      validateEndpoint(config, clients, logger),
      mutateEndpoint(config, clients, logger),
      secretGuardEndpoint(config, clients, references.index),
    ],
    stop: references.stop,
  };
}

/** `/validate`: MCPServerEntry writes against the rules, the Secret policy and the entries next to it. */
function validateEndpoint(config: WebhookConfig, clients: Clients, logger: Logger): AdmissionRoute {
  const { validate } = config;
  logger.info(
    {
      authorizeSecretRefs: validate.authorizeSecretRefs,
      missingSecret: validate.missingSecret,
      requireHostBinding: validate.requireHostBinding,
      accessReviewCacheTtlMs: validate.accessReviewCacheTtlMs,
    },
    validate.authorizeSecretRefs
      ? 'Secret references: authors must be able to read them'
      : 'Secret references: author check OFF (--authorize-secret-refs=false)',
  );
  const canReadSecret = validate.authorizeSecretRefs
    ? createSecretReadCheck({
        kubeConfig: clients.kubeConfig,
        timeoutMs: config.secretLookupTimeoutMs,
        cache: createAccessCache({ ttlMs: validate.accessReviewCacheTtlMs }),
        registry: clients.registry,
      })
    : undefined;
  const { toolhive } = clients;
  return validateRoute({
    // Concurrent reviews of one Secret share a GET in flight that finds it (sharedLookups.ts says why that is safe).
    getSecret: sharingFoundAnswers(clients.getSecret),
    mode: config.mode,
    // One budget for all of a review's lookups: the API server's webhook timeout is never reached.
    lookupBudgetMs: config.secretLookupTimeoutMs,
    namespaceLabels: clients.namespaces,
    registry: clients.registry,
    // Until the informer has listed, collisions cannot be checked: the route says so in a warning.
    siblings: (namespace) => (toolhive.synced() ? toolhive.entries(namespace) : undefined),
    rules: rulesFor(validate),
    ...(canReadSecret !== undefined ? { canReadSecret } : {}),
  });
}

/** `/mutate`: the header-forwarding sidecar into vMCP pods, from the informer-fed VirtualMCPServers and entries. */
function mutateEndpoint(config: WebhookConfig, clients: Clients, logger: Logger): AdmissionRoute {
  const settings = config.inject;
  logger.info({ sidecar: { image: settings.image, mode: settings.mode }, apiServerHosts: settings.apiServerHosts }, 'injector settings');
  return mutateRoute({
    lookup: clients.toolhive,
    synced: () => clients.toolhive.synced(),
    settings,
    namespaceLabels: clients.namespaces,
    hostBinding: { getSecret: clients.bindingSecrets, requireHostBinding: config.validate.requireHostBinding },
    registry: clients.registry,
  });
}

/** `/validate-secrets`: no Secret deleted (or key removed) while an entry still forwards it. */
function secretGuardEndpoint(config: WebhookConfig, clients: Clients, index: SecretReferenceIndex): AdmissionRoute {
  return validateSecretsRoute({
    users: (namespace, secret) => index.users(namespace, secret),
    mode: config.mode,
    namespaces: clients.namespaces,
    synced: () => clients.toolhive.synced(),
    registry: clients.registry,
  });
}

/** Entry -> Secret references, kept in step with the entry informer. */
function secretReferences(clients: Clients): { index: SecretReferenceIndex; stop: () => void } {
  const index = new SecretReferenceIndex();
  const stop = clients.toolhive.onEntryChange((change) => {
    if (change.type === 'upsert') index.upsert(change.entry);
    else index.delete(change.namespace, change.name);
  });
  // Entries the informer may already hold.
  for (const entry of clients.toolhive.allEntries()) index.upsert(entry);
  return { index, stop };
}
