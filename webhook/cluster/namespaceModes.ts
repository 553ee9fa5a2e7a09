import { CoreV1Api, makeInformer, type KubeConfig, type V1Namespace } from '@kubernetes/client-node';
import type { Logger } from 'pino';

// Namespace labels through a cached informer (list + watch on namespaces): the per-namespace mode override
// costs no API call per admission. client-node's ListWatch stops on a non-410 error; we restart it with backoff.

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
  let listed = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const firstDelay = options.restartDelayMs ?? 1_000;
  let delay = firstDelay;

  const informer = makeInformer<V1Namespace>(options.kubeConfig, '/api/v1/namespaces', async () => {
    const list = await core.listNamespace();
    // Stopped while listing: fail this round so ListWatch does not open a watch nobody will close.
    if (stopped) throw new Error('namespace informer stopped');
    listed = true;
    delay = firstDelay;
    return list;
  });

  const start = (): void => {
    informer.start().catch((error: unknown) => restart(error));
  };
  const restart = (error: unknown): void => {
    if (stopped) return;
    options.logger.warn(
      { error: error instanceof Error ? error.message : String(error), retryInMs: delay },
      'namespace informer failed; mode overrides use the cached labels (or the global mode) until it recovers',
    );
    clearTimeout(timer);
    timer = setTimeout(start, delay);
    timer.unref();
    delay = Math.min(delay * 2, options.maxRestartDelayMs ?? 30_000);
  };
  informer.on('error', restart);
  start();

  return {
    label(namespace, key) {
      return informer.get(namespace)?.metadata?.labels?.[key];
    },
    terminating(namespace) {
      const object = informer.get(namespace);
      return object?.metadata?.deletionTimestamp !== undefined || object?.status?.phase === 'Terminating';
    },
    synced: () => listed,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
