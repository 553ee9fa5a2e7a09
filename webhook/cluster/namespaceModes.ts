import { CoreV1Api, type KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { startRestartingInformer } from './restartingInformer.js';

// Namespace labels through a cached informer (list + watch on namespaces): the per-namespace mode override
// costs no API call per admission; restarted with backoff after errors (restartingInformer.ts).

export interface NamespaceLabels {
  /** The namespace's label value, or undefined (label absent, namespace unknown, cache not yet filled). */
  label(namespace: string, key: string): string | undefined;
  /** The namespace is being deleted (deletionTimestamp set or phase Terminating): guards must not stand in the way. */
  terminating(namespace: string): boolean;
  /** True once the first list has filled the cache. */
  synced(): boolean;
  stop(): Promise<void>;
}

export interface NamespaceInformerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** First restart delay after an error; doubles up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

export function startNamespaceInformer(options: NamespaceInformerOptions): NamespaceLabels {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const { informer, listed, stop } = startRestartingInformer<V1Namespace>({
    kubeConfig: options.kubeConfig,
    path: '/api/v1/namespaces',
    list: () => core.listNamespace(),
    logger: options.logger,
    failureMessage: 'namespace informer failed; mode overrides use the cached labels (or the global mode) until it recovers',
    restartDelayMs: options.restartDelayMs,
    maxRestartDelayMs: options.maxRestartDelayMs,
  });

  return {
    label(namespace, key) {
      return informer.get(namespace)?.metadata?.labels?.[key];
    },
    terminating(namespace) {
      const object = informer.get(namespace);
      return object?.metadata?.deletionTimestamp !== undefined || object?.status?.phase === 'Terminating';
    },
    synced: listed,
    stop,
  };
}
