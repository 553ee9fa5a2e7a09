import {
  ListWatch,
  Watch,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ObjectCache,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';

// client-node's ListWatch re-lists on 410 but stops for good on any other list or watch error. This wraps it
// with a restart loop: doubling delay up to a maximum, reset once a list succeeds or after a start that ran healthy
// for the maximum delay (a restart after a watch error resumes from its resourceVersion without listing, so
// "a list succeeded" alone would leave every later blip at the maximum), inert after stop().

export type ObjectHandler<T> = (object: T) => void;

export interface RestartingInformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** Watch path, e.g. /api/v1/namespaces. */
  path: string;
  /** The full list each (re)start begins with. */
  list: () => Promise<KubernetesListObject<T>>;
  logger: Logger;
  /** Logged (warn) on each failure, with the error and the delay before the next attempt. */
  failureMessage: string;
  /** Registered before the first list, so no object is missed. */
  handlers?: { add?: ObjectHandler<T>; update?: ObjectHandler<T>; delete?: ObjectHandler<T> };
  /** First restart delay after an error; doubles up to maxRestartDelayMs. */
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
  /** Default: client-node's Watch on kubeConfig; tests pass a subclass that fakes the watch request. */
  watch?: Watch;
}

export interface RestartingInformer<T extends KubernetesObject> {
  informer: Informer<T> & ObjectCache<T>;
  /** True once a list has succeeded (the cache has been filled at least once). */
  listed(): boolean;
  /** No restart, no watch afterwards; errors arriving later are ignored. */
  stop(): Promise<void>;
}

export const DEFAULT_RESTART_DELAY_MS = 1_000;
export const DEFAULT_MAX_RESTART_DELAY_MS = 30_000;

export function startRestartingInformer<T extends KubernetesObject>(options: RestartingInformerOptions<T>): RestartingInformer<T> {
  const firstDelay = options.restartDelayMs ?? DEFAULT_RESTART_DELAY_MS;
  const maxDelay = options.maxRestartDelayMs ?? DEFAULT_MAX_RESTART_DELAY_MS;
  let delay = firstDelay;
  let listed = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let startedAt = Date.now();

  // Same construction as client-node's makeInformer (autoStart off), with the watch transport injectable.
  const informer = new ListWatch<T>(
    options.path,
    options.watch ?? new Watch(options.kubeConfig),
    async () => {
      const list = await options.list();
      // Stopped while listing: fail this round so ListWatch does not open a watch nobody will close.
      if (stopped) throw new Error(`informer on ${options.path} stopped while listing`);
      listed = true;
      delay = firstDelay;
      return list;
    },
    false,
  );
  for (const verb of ['add', 'update', 'delete'] as const) {
    const handler = options.handlers?.[verb];
    if (handler) informer.on(verb, handler);
  }

  const start = (): void => {
    startedAt = Date.now();
    informer.start().catch((error: unknown) => restart(error));
  };
  const restart = (error: unknown): void => {
    if (stopped) return;
    if (Date.now() - startedAt >= maxDelay) delay = firstDelay;
    options.logger.warn({ error: error instanceof Error ? error.message : String(error), retryInMs: delay }, options.failureMessage);
    clearTimeout(timer);
    timer = setTimeout(start, delay);
    timer.unref();
    delay = Math.min(delay * 2, maxDelay);
  };
  informer.on('error', restart);
  start();

  return {
    informer,
    listed: () => listed,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await informer.stop();
    },
  };
}
