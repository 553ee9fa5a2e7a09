import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { cachedForHostBinding } from '../cluster/bindingCache.js';
import { loadKubeConfig } from '../cluster/kubeConfig.js';
import { countingSecretErrors } from '../cluster/lookupMetrics.js';
import { startNamespaceInformer, type NamespaceLabels } from '../cluster/namespaceModes.js';
import { createSecretGetters } from '../cluster/secrets.js';
import { startToolhiveInformers, type ToolhiveInformers } from '../cluster/toolhiveInformers.js';
import type { ReadinessCheck } from '../health.js';
import type { GetSecret } from '../validate/lookup.js';
import type { WebhookConfig } from './config.js';
import { startLeadership, type Leadership } from './leadership.js';

// What the endpoints and loops share, built once per process: one API client config, one metrics registry,
// one informer per resource (one cache, one set of watches), one Lease.

export interface Clients {
  kubeConfig: KubeConfig;
  registry: Registry;
  /** GET one Secret by name within --secret-lookup-timeout; failures counted. */
  getSecret: GetSecret;
  /** The same GETs remembered a few seconds, for the injector's host-binding annotations (bindingCache.ts says why). */
  bindingSecrets: GetSecret;
  namespaces: NamespaceLabels;
  toolhive: ToolhiveInformers;
  leadership: Leadership;
  /** /readyz stays 503 until these caches have listed. */
  readiness: ReadinessCheck[];
  stop(): Promise<void>;
}

export function connect(config: WebhookConfig, logger: Logger): Clients {
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const namespaces = startNamespaceInformer({ kubeConfig, logger });
  const toolhive = startToolhiveInformers({ kubeConfig, logger, version: config.toolhiveApiVersion });
  const leadership = startLeadership(config.leaderElection, kubeConfig, registry, logger);
  const getters = createSecretGetters({ kubeConfig, timeoutMs: config.secretLookupTimeoutMs });
  return {
    kubeConfig,
    registry,
    getSecret: countingSecretErrors(getters.withoutRevision, registry),
    // The drift check follows these Secrets' revisions (--follow-secrets).
    bindingSecrets: cachedForHostBinding(countingSecretErrors(getters.withRevision, registry)),
    namespaces,
    toolhive,
    leadership,
    readiness: [
      { name: 'namespace informer', ready: () => namespaces.synced() },
      { name: 'VirtualMCPServer and MCPServerEntry informers', ready: () => toolhive.synced() },
    ],
    async stop() {
      await Promise.allSettled([leadership.stop(), namespaces.stop(), toolhive.stop()]);
    },
  };
}
