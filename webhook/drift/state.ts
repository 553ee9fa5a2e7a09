import { EVENT_REASONS, FINDINGS, type FindingKind, type PodFinding } from './finding.js';

// What the drift loop remembers between passes (pure): the last finding per pod uid, so an Event is sent when a
// pod's finding changes, not every interval, and the gauge counts the pods of the latest pass.

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface CheckedPod extends PodRef {
  finding: PodFinding;
}

export interface PodEvent {
  pod: PodRef;
  reason: string;
  message: string;
}

export interface DriftPass {
  events: PodEvent[];
  counts: Record<FindingKind, number>;
  /** The memory for the next pass: pods no longer listed are forgotten. */
  remembered: Map<string, FindingKind>;
}

export function driftPass(previous: ReadonlyMap<string, FindingKind>, pods: readonly CheckedPod[]): DriftPass {
  const counts = Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<FindingKind, number>;
  const remembered = new Map<string, FindingKind>();
  const events: PodEvent[] = [];
  for (const pod of pods) {
    const kind = pod.finding.finding;
    counts[kind] += 1;
    remembered.set(pod.uid, kind);
    const reason = EVENT_REASONS[kind];
    if (reason !== undefined && previous.get(pod.uid) !== kind) {
      events.push({ pod: { namespace: pod.namespace, name: pod.name, uid: pod.uid }, reason, message: pod.finding.message });
    }
  }
  return { events, counts, remembered };
}
