import { CustomObjectsApi, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL, type MCPServerEntry } from '../../contract/toolhive.js';
import { startRestartingInformer } from './restartingInformer.js';
import { ToolhiveIndex, type Parsed, type ToolhiveLookup } from './toolhiveIndex.js';

// List + watch VirtualMCPServers and MCPServerEntries cluster-wide into a ToolhiveIndex. One version is
// watched (v1beta1, the storage version, by default): the API server converts objects written as v1alpha1.
// Each is restarted with backoff after errors (restartingInformer.ts).

export const DEFAULT_TOOLHIVE_VERSION = 'v1beta1';

export interface ToolhiveInformers extends ToolhiveLookup {
  /** True once both first lists have filled the index. */
  synced(): boolean;
  /** Every indexed entry, all namespaces, in namespace/name order (background scan). */
  allEntries(): MCPServerEntry[];
  /** Called after each entry add/update/delete has reached the index; returns an unsubscribe function. */
  onEntryChange(listener: EntryListener): () => void;
  /** Idempotent. */
  stop(): Promise<void>;
}

export type EntryChange = { type: 'upsert'; entry: MCPServerEntry } | { type: 'delete'; namespace: string; name: string };
export type EntryListener = (change: EntryChange) => void;

export interface ToolhiveInformerOptions {
  kubeConfig: KubeConfig;
  logger: Logger;
  version?: string;
  restartDelayMs?: number;
  maxRestartDelayMs?: number;
}

interface Feed {
  plural: string;
  upsert(raw: unknown): Parsed<unknown>;
  remove(raw: unknown): void;
}

function metadataOf(raw: unknown): { namespace: string; name: string } {
  const metadata = (raw as { metadata?: { namespace?: unknown; name?: unknown } } | undefined)?.metadata;
  return {
    namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : '',
    name: typeof metadata?.name === 'string' ? metadata.name : '',
  };
}

export function startToolhiveInformers(options: ToolhiveInformerOptions): ToolhiveInformers {
  const index = new ToolhiveIndex();
  const listeners = new Set<EntryListener>();
  const notify = (change: EntryChange): void => {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error: unknown) {
        options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'entry change listener failed');
      }
    }
  };
  const feeds: Feed[] = [
    { plural: VMCP_PLURAL, upsert: (o) => index.upsertVmcp(o), remove: (o) => index.deleteVmcp(o) },
    {
      plural: ENTRY_PLURAL,
      upsert: (o) => {
        const parsed = index.upsertEntry(o);
        notify(parsed.ok ? { type: 'upsert', entry: parsed.object } : { type: 'delete', ...metadataOf(o) });
        return parsed;
      },
      remove: (o) => {
        index.deleteEntry(o);
        notify({ type: 'delete', ...metadataOf(o) });
      },
    },
  ];
  const watchers = feeds.map((feed) => watch(feed, options));
  let stopping: Promise<void> | undefined;
  return {
    vmcp: (namespace, name) => index.vmcp(namespace, name),
    entries: (namespace) => index.entries(namespace),
    allEntries: () => index.allEntries(),
    onEntryChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    synced: () => watchers.every((w) => w.listed()),
    stop() {
      stopping ??= Promise.allSettled(watchers.map((w) => w.stop())).then(() => undefined);
      return stopping;
    },
  };
}

function watch(feed: Feed, options: ToolhiveInformerOptions): { listed(): boolean; stop(): Promise<void> } {
  const version = options.version ?? DEFAULT_TOOLHIVE_VERSION;
  const api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const logger = options.logger.child({ informer: `${feed.plural}.${TOOLHIVE_GROUP}/${version}` });
  const upsert = (object: KubernetesObject): void => {
    const result = feed.upsert(object);
    if (!result.ok)
      logger.warn({ problem: result.problem }, 'object left out of the injector index: it does not match the contract schema');
  };
  return startRestartingInformer<KubernetesObject>({
    kubeConfig: options.kubeConfig,
    path: `/apis/${TOOLHIVE_GROUP}/${version}/${feed.plural}`,
    list: async () =>
      (await api.listClusterCustomObject({
        group: TOOLHIVE_GROUP,
        version,
        plural: feed.plural,
      })) as KubernetesListObject<KubernetesObject>,
    logger,
    failureMessage: 'informer failed; injection uses the cached objects until it recovers',
    handlers: { add: upsert, update: upsert, delete: (object) => feed.remove(object) },
    restartDelayMs: options.restartDelayMs,
    maxRestartDelayMs: options.maxRestartDelayMs,
  });
}
