import type { ReportItem } from './types.js';

// What the background scan remembers between passes, and what changes are worth telling: pure, so the
// dedupe rules (an Event per new problem, not per interval) are tested without a cluster.

export const VALID_AGAIN_REASON = 'HeaderForwardValid';

export interface ObjectEvent {
  type: 'Warning' | 'Normal';
  reason: string;
  message: string;
  /** The object the event is about. */
  regarding: Pick<ReportItem, 'kind' | 'apiVersion' | 'namespace' | 'name' | 'uid' | 'resourceVersion'>;
}

/**
 * Events for one object whose check went from `previous` to `next`: one Warning per finding that was not
 * already reported, one Normal when a failing object passes again. An unchanged verdict emits nothing.
 */
export function eventsFor(previous: ReportItem | undefined, next: ReportItem): ObjectEvent[] {
  const regarding = {
    kind: next.kind,
    apiVersion: next.apiVersion,
    namespace: next.namespace,
    name: next.name,
    ...(next.uid !== undefined ? { uid: next.uid } : {}),
    ...(next.resourceVersion !== undefined ? { resourceVersion: next.resourceVersion } : {}),
  };
  if (next.status === 'pass') {
    return previous?.status === 'fail'
      ? [{ type: 'Normal', reason: VALID_AGAIN_REASON, message: 'every headerForward check passes again', regarding }]
      : [];
  }
  if (next.status !== 'fail') return [];
  const known = new Set(previous?.status === 'fail' ? previous.findings.map(signature) : []);
  return next.findings
    .filter((f) => !known.has(signature(f)))
    .map((f) => ({ type: 'Warning' as const, reason: f.reason, message: `${f.field}: ${f.message}`, regarding }));
}

function signature(finding: ReportItem['findings'][number]): string {
  return JSON.stringify([finding.reason, finding.field, finding.message]);
}

/** Failing objects per (namespace, reason): an object with two reasons counts under both, once under each. */
export function invalidCounts(items: Iterable<ReportItem>): Map<string, { namespace: string; reason: string; count: number }> {
  const counts = new Map<string, { namespace: string; reason: string; count: number }>();
  for (const item of items) {
    if (item.status !== 'fail') continue;
    for (const reason of new Set(item.findings.map((f) => f.reason))) {
      const key = JSON.stringify([item.namespace, reason]);
      const current = counts.get(key) ?? { namespace: item.namespace, reason, count: 0 };
      current.count += 1;
      counts.set(key, current);
    }
  }
  return counts;
}
