import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../test/unit/webhook/logCapture.js';
import type { PolicyReport } from './policyReport.js';
import { createPolicyReportPublisher, type PolicyReportStore, type StoreFailure } from './policyReportPublisher.js';
import type { StoredReport } from './policyReportSync.js';
import type { ReportItem } from './types.js';

const item = (namespace: string, name: string, status: 'pass' | 'fail'): ReportItem => ({
  kind: 'MCPServerEntry',
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  namespace,
  name,
  status,
  rules: ['secret-ref'],
  findings: status === 'pass' ? [] : [{ reason: 'HeaderSecretNotFound', field: 'f', message: 'm', rule: 'secret-ref' }],
  warnings: [],
});

/** An API server in memory: what is stored, and every call made. */
function fakeStore(): PolicyReportStore & {
  served_: boolean;
  calls: string[];
  reports: Map<string, StoredReport>;
  failNext?: StoreFailure;
} {
  let version = 0;
  const reports = new Map<string, StoredReport>();
  const put = (report: PolicyReport): void =>
    void reports.set(report.metadata.namespace, {
      namespace: report.metadata.namespace,
      name: report.metadata.name,
      resourceVersion: String(++version),
      labels: report.metadata.labels,
      results: JSON.parse(JSON.stringify(report.results)) as unknown,
      summary: { ...report.summary },
    });
  const store = {
    served_: true,
    calls: [] as string[],
    reports,
    failNext: undefined as StoreFailure | undefined,
    served: async () => {
      store.calls.push('discovery');
      return store.served_;
    },
    list: async () => {
      store.calls.push('list');
      return [...reports.values()];
    },
    create: async (report: PolicyReport) => {
      store.calls.push(`create ${report.metadata.namespace}`);
      const failure = store.failNext;
      store.failNext = undefined;
      if (failure !== undefined) throw failure;
      put(report);
    },
    update: async (report: PolicyReport, resourceVersion: string) => {
      store.calls.push(`update ${report.metadata.namespace}@${resourceVersion}`);
      put(report);
    },
    delete: async (namespace: string) => {
      store.calls.push(`delete ${namespace}`);
      reports.delete(namespace);
    },
  };
  return store;
}

function harness(leader = { leading: true }, minIntervalMs = 0) {
  const store = fakeStore();
  const logs = captureLogs();
  const publisher = createPolicyReportPublisher({ store, leading: () => leader.leading, logger: logs.logger, minIntervalMs });
  const publish = async (items: ReportItem[]): Promise<void> => {
    publisher.publish(items);
    await publisher.idle();
  };
  const lines = (): Record<string, unknown>[] => logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const messages = (): string[] => lines().map((line) => String(line['msg']));
  return { store, lines, messages, publisher, publish };
}

describe('PolicyReport publisher', () => {
  it('syncs at most once per interval: what is published meanwhile is coalesced, the last one wins', async () => {
    const h = harness({ leading: true }, 40);
    const syncStarts: number[] = [];
    const served = h.store.served;
    h.store.served = async () => {
      syncStarts.push(Date.now());
      return served();
    };
    h.publisher.publish([item('a', 'one', 'fail')]);
    h.publisher.publish([item('a', 'one', 'pass')]);
    h.publisher.publish([item('a', 'one', 'fail'), item('b', 'two', 'fail')]);
    await h.publisher.idle();
    // The first publish syncs at once; the other two become one sync of the last, one interval later.
    expect(h.store.calls).toEqual(['discovery', 'list', 'create a', 'discovery', 'list', 'create b']);
    expect(syncStarts).toHaveLength(2);
    // Node may fire a timer up to a millisecond early by Date.now's rounding.
    expect(syncStarts[1]! - syncStarts[0]!).toBeGreaterThanOrEqual(39);
  });

  it('creates, leaves unchanged reports alone, updates on change, deletes when a namespace has no entry left', async () => {
    const h = harness();
    await h.publish([item('a', 'one', 'fail'), item('b', 'two', 'pass')]);
    expect(h.store.calls).toEqual(['discovery', 'list', 'create a', 'create b']);
    h.store.calls.length = 0;
    await h.publish([item('b', 'two', 'pass'), item('a', 'one', 'fail')]);
    expect(h.store.calls).toEqual(['discovery', 'list']);
    h.store.calls.length = 0;
    await h.publish([item('a', 'one', 'pass')]);
    expect(h.store.calls).toEqual(['discovery', 'list', 'update a@1', 'delete b']);
    expect([...h.store.reports.keys()]).toEqual(['a']);
  });

  it('without the CRD: says so once, writes nothing, and starts writing once it is installed', async () => {
    const h = harness();
    h.store.served_ = false;
    await h.publish([item('a', 'one', 'fail')]);
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.store.calls).toEqual(['discovery', 'discovery']);
    expect(h.messages().filter((m) => m.startsWith('PolicyReport CRD not installed'))).toHaveLength(1);
    h.store.served_ = true;
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.store.calls.slice(2)).toEqual(['discovery', 'list', 'create a']);
    expect(h.messages()).toContain('PolicyReport CRD found: writing a PolicyReport per namespace with MCPServerEntries');
  });

  it('a replica that does not hold the Lease asks nothing and writes nothing', async () => {
    const h = harness({ leading: false });
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.store.calls).toEqual([]);
  });

  it('a failed write is logged with what to do and retried at the next publish; it never throws', async () => {
    const h = harness();
    h.store.failNext = Object.assign(new Error('create PolicyReport a/mcp-header-forward: HTTP 403: forbidden'), { code: 403 });
    await h.publish([item('a', 'one', 'fail')]);
    const warning = h.lines().find((l) => l['msg'] === 'could not write PolicyReport; retried at the next scan');
    expect(warning).toMatchObject({ namespace: 'a', action: 'create', error: expect.stringContaining('HTTP 403') });
    expect(String(warning?.['fix'])).toContain('manifests/base/rbac.yaml');
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.store.reports.has('a')).toBe(true);
  });

  it('a namespace being deleted is no failure: no warning, no RBAC advice', async () => {
    const h = harness();
    h.store.failNext = Object.assign(new Error('create PolicyReport a/mcp-header-forward: HTTP 403: being terminated'), {
      code: 403,
      namespaceTerminating: true,
    });
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.lines().filter((l) => Number(l['level']) >= 40)).toEqual([]);
    expect(h.messages()).not.toContain('could not write PolicyReport; retried at the next scan');
  });

  it('a discovery failure is logged when it starts, not on every publish', async () => {
    const h = harness();
    h.store.served = async () => {
      throw new Error('discovery of wgpolicyk8s.io/v1alpha2: HTTP 503: unavailable');
    };
    await h.publish([item('a', 'one', 'fail')]);
    await h.publish([item('a', 'one', 'fail')]);
    expect(h.messages().filter((m) => m === 'could not read PolicyReports; retried at the next scan')).toHaveLength(1);
  });

  it('coalesces: publishes while a sync runs collapse into one more sync with the latest verdicts', async () => {
    const h = harness();
    h.publisher.publish([item('a', 'one', 'fail')]);
    h.publisher.publish([item('a', 'one', 'pass')]);
    h.publisher.publish([item('a', 'one', 'fail'), item('b', 'two', 'fail')]);
    await h.publisher.idle();
    expect(h.store.calls).toEqual(['discovery', 'list', 'create a', 'discovery', 'list', 'create b']);
  });
});
