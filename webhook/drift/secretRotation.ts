import type { V1Pod } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME } from '../../contract/labels.js';
import type { SecretRevision } from '../validate/types.js';
import { sidecarContainer, type PodFinding } from './finding.js';

// --follow-secrets (pure): env from secretKeyRef is resolved when the sidecar container starts, so a Secret whose
// data changed after that start leaves the pod sending the old value. The loop remembers each followed Secret's
// revision; a pod is stale when a Secret its sidecar reads changed after the sidecar started.
//
// Times are compared in whole seconds, strictly: the API server stamps managedFields and container starts with
// second precision. A pod started in the very second of a change counts as current (it may have the new value);
// treating it as stale instead would evict its replacement too when that starts within the same second, forever.

export interface FollowedSecret {
  revision: SecretRevision;
  /** When the data last changed (ms since epoch, whole seconds), undefined when unknown. */
  changedAt?: number;
  /** Says how the change was seen, for the Event: "data changed (resourceVersion 5 -> 9)". */
  change?: string;
}

/**
 * The next memory for one Secret. First sight trusts the API server's own record (managedFields time of the
 * manager owning `data`), so a new leader still finds rotations that happened before it started. Later, only a
 * changed digest counts: a label or annotation edit bumps resourceVersion but restarts nothing.
 */
export function followSecret(previous: FollowedSecret | undefined, revision: SecretRevision, now: number): FollowedSecret {
  const lastModified = parseSeconds(revision.dataLastModified);
  if (previous === undefined) {
    return lastModified === undefined ? { revision } : { revision, changedAt: lastModified, change: `data last written at ${revision.dataLastModified}` };
  }
  if (previous.revision.dataDigest === revision.dataDigest) {
    return { ...previous, revision };
  }
  // managedFields' time is the write itself; without it, when we saw it (never earlier than the write).
  const changedAt = lastModified ?? Math.floor(now / 1000) * 1000;
  return {
    revision,
    changedAt,
    change: `data changed (resourceVersion ${previous.revision.resourceVersion} -> ${revision.resourceVersion}) at ${isoSeconds(changedAt)}`,
  };
}

/** The Secrets the pod's sidecar reads through secretKeyRef, sorted and unique. */
export function sidecarSecretNames(pod: V1Pod): string[] {
  const sidecar = sidecarContainer(pod);
  const names = new Set<string>();
  for (const env of sidecar?.env ?? []) {
    const name = env.valueFrom?.secretKeyRef?.name;
    if (name !== undefined && name !== '') names.add(name);
  }
  return [...names].sort();
}

/**
 * When the running sidecar read its env: its container's start, else the pod's (no kubelet has reported yet).
 * Undefined when the sidecar is not running now: it reads the current values when it starts again.
 */
export function sidecarStartedAt(pod: V1Pod): number | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const status = statuses.find((s) => s.name === SIDECAR_CONTAINER_NAME);
  if (status !== undefined) return status.state?.running?.startedAt === undefined ? undefined : wholeSeconds(status.state.running.startedAt);
  const podStart = pod.status?.startTime ?? pod.metadata?.creationTimestamp;
  return podStart === undefined ? undefined : wholeSeconds(podStart);
}

/** A stale finding when a Secret the sidecar reads changed after it started; undefined when none did (or unknown). */
export function rotationFinding(pod: V1Pod, followed: (name: string) => FollowedSecret | undefined, currentHash: string): PodFinding | undefined {
  const startedAt = sidecarStartedAt(pod);
  if (startedAt === undefined) return undefined;
  const changed = sidecarSecretNames(pod).flatMap((name) => {
    const secret = followed(name);
    return secret?.changedAt !== undefined && secret.changedAt > startedAt ? [`Secret ${JSON.stringify(name)}: ${secret.change ?? 'data changed'}`] : [];
  });
  if (changed.length === 0) return undefined;
  return {
    finding: 'stale',
    message: `the sidecar started at ${isoSeconds(startedAt)} and still sends the old values of ${changed.join('; ')} (env from secretKeyRef is read at container start: the pod needs a restart)`,
    actualHash: currentHash,
    desiredHash: currentHash,
  };
}

function parseSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000;
}

function wholeSeconds(time: Date | string): number | undefined {
  const ms = new Date(time).getTime();
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000) * 1000;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
