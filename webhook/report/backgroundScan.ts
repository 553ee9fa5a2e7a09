import type { Logger } from 'pino';
import { stableStringify } from '../../contract/stableJson.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import type { EntryChange } from '../cluster/toolhiveInformers.js';
import type { GetSecret } from '../validate/lookup.js';
import type { Rule } from '../validate/types.js';
import type { ScanMetrics } from './metrics.js';
import { entriesByNamespace, envVarPartners } from '../validate/siblingEnvNames.js';
import { memoizeLookups, scanEntry } from './scanEntry.js';
import { eventsFor, type ObjectEvent } from './scanState.js';
import type { ReportItem } from './types.js';

// The webhook's background scan: every stored MCPServerEntry through the admission rules, on a timer and when an
// entry changes (from the shared entry informer). Secrets are not watched (least privilege): a Secret deleted
// or edited between passes is seen on the next timer tick. Results become a gauge and Events on the entry.

export interface BackgroundScanOptions {
  entries(): MCPServerEntry[];
  /**
   * One namespace's entries: the informer's list, shared with admission and rebuilt once per change. A change
   * re-checks only its namespace; building that from `entries()` cost a pass over every entry per change (a sync
   * of n entries did n² work: 27 ms of CPU per create at 3000 entries, docs/benchmarks.md).
   */
  namespaceEntries(namespace: string): readonly MCPServerEntry[];
  onEntryChange(listener: (change: EntryChange) => void): () => void;
  /** The informer's first list is in: before that, "no entries" means "not known yet". */
  synced(): boolean;
  /** Already rate-limited by the caller. */
  getSecret: GetSecret;
  rules: readonly Rule[];
  intervalMs: number;
  /** Coalesces bursts of changes to one entry (apply, then the controller's status update). */
  changeDelayMs?: number;
  emit(event: ObjectEvent): Promise<void>;
  /** Only the Lease holder sends Events (every replica scans and serves the gauge); default: always. */
  leading?: () => boolean;
  metrics: ScanMetrics;
  /**
   * The verdicts changed (a full pass ended, or an entry's check after a change or delete); called only once a full
   * pass has completed, so a partial picture never reaches it (the PolicyReport writer deletes what is missing).
   */
  onResults?: (results: ReadonlyMap<string, ReportItem>) => void;
  logger: Logger;
}

export interface BackgroundScan {
  /** One full pass now (also what the timer runs); joins a pass already running. Resolves when every entry was checked. */
  scanAll(): Promise<void>;
  /** A full pass that starts after any running one: what happened before the call is seen (e.g. a Lease just won). */
  rescan(): Promise<void>;
  /** The latest verdict per entry (`namespace/name`). */
  results(): ReadonlyMap<string, ReportItem>;
  stop(): Promise<void>;
}

export function startBackgroundScan(options: BackgroundScanOptions): BackgroundScan {
  const results = new Map<string, ReportItem>();
  /** The verdict each entry's Events told, while leading: a replica that starts leading tells each problem once more. */
  const reported = new Map<string, ReportItem>();
  /** What each entry looked like when last checked: status-only updates need no new GETs. */
  const checkedSpec = new Map<string, string>();
  const pendingChanges = new Map<string, NodeJS.Timeout>();
  const emitting = new Set<Promise<void>>();
  let running: Promise<void> | undefined;
  let stopped = false;
  let fullPassDone = false;

  const key = (namespace: string, name: string): string => `${namespace}/${name}`;
  const resultsChanged = (): void => {
    options.metrics.setInvalid(results.values());
    if (fullPassDone && !stopped) options.onResults?.(results);
  };
  const specOf = (entry: MCPServerEntry): string =>
    stableStringify({ spec: entry.spec, deleting: entry.metadata.deletionTimestamp !== undefined });

  const record = (item: ReportItem): void => {
    if (stopped) return;
    const id = key(item.namespace, item.name);
    // Could not check (API error): keep the last verdict rather than flap the gauge or emit Events on a guess.
    if (item.status === 'error') {
      options.logger.warn(
        { entry: id, findings: item.findings.map((f) => `${f.field}: ${f.message}`) },
        'background scan could not check entry',
      );
      return;
    }
    results.set(id, item);
    const leading = options.leading?.() ?? true;
    const events = leading ? eventsFor(reported.get(id), item) : [];
    if (leading) reported.set(id, item);
    else reported.delete(id);
    for (const event of events) {
      const sending = options.emit(event).catch((error: unknown) => {
        options.logger.warn(
          { entry: id, reason: event.reason, error: error instanceof Error ? error.message : String(error) },
          'could not record Event',
        );
      });
      emitting.add(sending);
      void sending.finally(() => emitting.delete(sending));
    }
    if (item.status === 'fail' && events.length > 0) {
      options.logger.warn(
        { entry: id, reasons: [...new Set(item.findings.map((f) => f.reason))] },
        'background scan: MCPServerEntry fails the headerForward rules',
      );
    }
  };

  /** `siblings`: the entry's namespace-mates, for the same-group env var collision rule. */
  const check = async (entry: MCPServerEntry, getSecret: GetSecret, siblings: readonly MCPServerEntry[]): Promise<void> => {
    const item = await scanEntry(entry, getSecret, options.rules, siblings);
    checkedSpec.set(key(item.namespace, item.name), specOf(entry));
    record(item);
  };

  const scanAll = (): Promise<void> => {
    running ??= (async () => {
      const entries = options.entries();
      const present = new Set(entries.map((e) => key(e.metadata.namespace ?? '', e.metadata.name ?? '')));
      for (const id of results.keys()) if (!present.has(id)) results.delete(id);
      for (const id of reported.keys()) if (!present.has(id)) reported.delete(id);
      const getSecret = memoizeLookups(options.getSecret);
      const byNamespace = entriesByNamespace(entries);
      for (const entry of entries) {
        if (stopped) return;
        await check(entry, getSecret, byNamespace.get(entry.metadata.namespace ?? '') ?? []);
      }
      fullPassDone = true;
      resultsChanged();
      options.metrics.scanCompleted(new Date());
      options.logger.info(
        { entries: entries.length, failing: [...results.values()].filter((r) => r.status === 'fail').length },
        'background scan done',
      );
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  /**
   * An entry changed or went away: its collision partners may change verdict too. Only those are asked again: the
   * ones that share an env var with it now, and the ones whose collision finding names it. GETs are memoized.
   */
  const recheckPartners = async (namespace: string, name: string): Promise<void> => {
    const siblings = options.namespaceEntries(namespace);
    const changed = siblings.find((e) => e.metadata.name === name);
    const partners = changed === undefined ? new Set<string>() : envVarPartners(changed, siblings);
    const getSecret = memoizeLookups(options.getSecret);
    for (const entry of siblings) {
      if (stopped) return;
      if (entry === changed) continue;
      const blamed = results.get(key(namespace, entry.metadata.name ?? ''))?.findings.some((f) => f.relatedEntry === name) === true;
      if (blamed || partners.has(entry.metadata.name ?? '')) await check(entry, getSecret, siblings);
    }
  };

  const onChange = (change: EntryChange): void => {
    if (stopped || !options.synced()) return;
    if (change.type === 'delete') {
      const id = key(change.namespace, change.name);
      clearTimeout(pendingChanges.get(id));
      pendingChanges.delete(id);
      checkedSpec.delete(id);
      reported.delete(id);
      if (results.delete(id)) options.metrics.setInvalid(results.values());
      recheckPartners(change.namespace, change.name)
        .then(resultsChanged)
        .catch((error: unknown) =>
          options.logger.error({ entry: id, error: error instanceof Error ? error.message : String(error) }, 'background check failed'),
        );
      return;
    }
    const id = key(change.entry.metadata.namespace ?? '', change.entry.metadata.name ?? '');
    if (checkedSpec.get(id) === specOf(change.entry)) return;
    clearTimeout(pendingChanges.get(id));
    const timer = setTimeout(() => {
      pendingChanges.delete(id);
      const siblings = options.namespaceEntries(change.entry.metadata.namespace ?? '');
      const current = siblings.find((e) => e.metadata.name === change.entry.metadata.name);
      if (current === undefined) return;
      check(current, options.getSecret, siblings)
        .then(() => recheckPartners(change.entry.metadata.namespace ?? '', change.entry.metadata.name ?? ''))
        .then(resultsChanged)
        .catch((error: unknown) =>
          options.logger.error({ entry: id, error: error instanceof Error ? error.message : String(error) }, 'background check failed'),
        );
    }, options.changeDelayMs ?? 1_000);
    timer.unref();
    pendingChanges.set(id, timer);
  };
  const unsubscribe = options.onEntryChange(onChange);

  // First pass as soon as the informer has listed, then every interval.
  const firstPass = setInterval(() => {
    if (!options.synced()) return;
    clearInterval(firstPass);
    scanAll().catch((error: unknown) =>
      options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background scan failed'),
    );
  }, 500);
  firstPass.unref();
  const interval = setInterval(() => {
    if (!options.synced()) return;
    scanAll().catch((error: unknown) =>
      options.logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background scan failed'),
    );
  }, options.intervalMs);
  interval.unref();

  return {
    scanAll,
    rescan: () =>
      running === undefined
        ? scanAll()
        : running.then(
            () => scanAll(),
            () => scanAll(),
          ),
    results: () => results,
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(firstPass);
      clearInterval(interval);
      for (const timer of pendingChanges.values()) clearTimeout(timer);
      await Promise.allSettled([running, ...emitting]);
    },
  };
}
