import type { Logger } from 'pino';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, POLICY_REPORT_NAME, policyReports, type PolicyReport } from './policyReport.js';
import { planReportWrites, type ReportWrite, type StoredReport } from './policyReportSync.js';
import type { ReportItem } from './types.js';

// The background scan's verdicts as PolicyReports in the cluster, written by the Lease holder only. The CRD is
// optional: when discovery does not serve it, this says so once and writes nothing; it never fails the webhook.
// The API calls sit behind PolicyReportStore (webhook/cluster/policyReportStore.ts) so this logic runs in unit tests.

export const CRD_NAME = 'policyreports.wgpolicyk8s.io';

export interface PolicyReportStore {
  /** Discovery: does the API server serve policyreports in wgpolicyk8s.io/v1alpha2? */
  served(): Promise<boolean>;
  /** Our reports in every namespace (label selector managed-by=mcp-header-forward). */
  list(): Promise<StoredReport[]>;
  create(report: PolicyReport): Promise<void>;
  update(report: PolicyReport, resourceVersion: string): Promise<void>;
  /** Resolves when the report is gone, including when it already was. */
  delete(namespace: string, name: string): Promise<void>;
}

/** What a failed API call said: the HTTP status, when there was one. */
export interface StoreFailure extends Error {
  code?: number;
  /** The namespace is being deleted (the API server's NamespaceLifecycle refusal): the report goes with it. */
  namespaceTerminating?: boolean;
}

export interface PolicyReportPublisher {
  /** Bring the cluster's reports to these verdicts. Coalesced: one sync at a time, the latest verdicts win. */
  publish(items: Iterable<ReportItem>): void;
  /** Resolves once no sync is running or waiting. */
  idle(): Promise<void>;
}

export interface PolicyReportPublisherOptions {
  store: PolicyReportStore;
  /** Only the Lease holder writes; checked before every write, so a replica that lost it stops at once. */
  leading: () => boolean;
  logger: Logger;
  /**
   * At least this long between two syncs (default 2 s); what is published meanwhile is coalesced into the next.
   * Every entry change publishes, and a sync lists every stored report and rewrites the changed ones: back to
   * back, a GitOps sync of thousands of entries cost the webhook and the API server a report LIST and PUT per
   * create (docs/benchmarks.md).
   */
  minIntervalMs?: number;
}

export const DEFAULT_REPORT_SYNC_INTERVAL_MS = 2_000;

export function createPolicyReportPublisher(options: PolicyReportPublisherOptions): PolicyReportPublisher {
  const { store, logger } = options;
  const minIntervalMs = options.minIntervalMs ?? DEFAULT_REPORT_SYNC_INTERVAL_MS;
  let waiting: ReportItem[] | undefined;
  let running: Promise<void> | undefined;
  let lastSyncAt = Number.NEGATIVE_INFINITY;
  let crd: 'unknown' | 'served' | 'missing' = 'unknown';
  let readFailing = false;

  /** Discovery and list: a failure is logged when it starts and when it ends, not on every scan. */
  const read = async (): Promise<StoredReport[] | undefined> => {
    try {
      if (!(await store.served())) {
        if (crd !== 'missing') {
          logger.info(
            { crd: CRD_NAME },
            `PolicyReport CRD not installed: no policy reports are written (install ${CRD_NAME}, e.g. with Kyverno or Policy Reporter, and they appear at the next scan)`,
          );
        }
        crd = 'missing';
        return undefined;
      }
      if (crd !== 'served')
        logger.info({ crd: CRD_NAME }, 'PolicyReport CRD found: writing a PolicyReport per namespace with MCPServerEntries');
      crd = 'served';
      const stored = await store.list();
      if (readFailing) logger.info({ crd: CRD_NAME }, 'PolicyReports can be read again');
      readFailing = false;
      return stored;
    } catch (error: unknown) {
      if (!readFailing)
        logger.warn(
          { crd: CRD_NAME, error: messageOf(error), fix: fixFor(error, 'list') },
          'could not read PolicyReports; retried at the next scan',
        );
      readFailing = true;
      return undefined;
    }
  };

  const sync = async (desired: readonly PolicyReport[]): Promise<void> => {
    if (!options.leading()) return;
    const stored = await read();
    if (stored === undefined) return;
    // The namespaces written, by action: the log says which reports changed, not only how many.
    const done: Record<ReportWrite['action'], string[]> = { create: [], update: [], delete: [] };
    for (const write of planReportWrites(desired, stored)) {
      if (!options.leading()) return;
      try {
        await apply(store, write);
        done[write.action].push(namespaceOf(write));
      } catch (error: unknown) {
        if ((error as StoreFailure | null)?.namespaceTerminating === true) {
          logger.debug(
            { namespace: namespaceOf(write), action: write.action },
            'namespace is being deleted; its PolicyReport goes with it',
          );
          continue;
        }
        logger.warn(
          { namespace: namespaceOf(write), action: write.action, error: messageOf(error), fix: fixFor(error, write.action) },
          'could not write PolicyReport; retried at the next scan',
        );
      }
    }
    if (done.create.length + done.update.length + done.delete.length > 0) {
      logger.info({ created: done.create, updated: done.update, deleted: done.delete }, 'PolicyReports written');
    }
  };

  const drain = async (): Promise<void> => {
    while (waiting !== undefined) {
      const pause = lastSyncAt + minIntervalMs - Date.now();
      if (pause > 0) await new Promise<void>((resolve) => setTimeout(resolve, pause).unref());
      const next = waiting;
      waiting = undefined;
      lastSyncAt = Date.now();
      await sync(policyReports(next)).catch((error: unknown) => logger.error({ error: messageOf(error) }, 'PolicyReport sync failed'));
    }
    // Same tick as the last check of `waiting`: a publish after this starts a new drain.
    running = undefined;
  };

  return {
    publish(items) {
      // The reports are built when the sync runs: of several publishes in a pause, only the last is built.
      waiting = [...items];
      running ??= drain();
    },
    idle: async () => {
      while (running !== undefined) await running;
    },
  };
}

function apply(store: PolicyReportStore, write: ReportWrite): Promise<void> {
  if (write.action === 'create') return store.create(write.report);
  if (write.action === 'update') return store.update(write.report, write.resourceVersion);
  return store.delete(write.namespace, write.name);
}

function namespaceOf(write: ReportWrite): string {
  return write.action === 'delete' ? write.namespace : write.report.metadata.namespace;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How to fix what the API server answered, for the log line. */
function fixFor(error: unknown, verb: string): string {
  const code = (error as StoreFailure | null)?.code;
  if (code === 403) {
    return `give the webhook's ServiceAccount ${verb} on ${CRD_NAME} (the ClusterRole in manifests/base/rbac.yaml grants list, create, update and delete)`;
  }
  if (code === 409 && verb === 'create') {
    return `a PolicyReport named ${POLICY_REPORT_NAME} without the label ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} is in the way: delete it and the next scan writes ours`;
  }
  if (code === 409) return 'it changed since it was listed; the next scan writes it again';
  return 'check that the API server is reachable and serves the PolicyReport CRD; the next scan retries';
}
