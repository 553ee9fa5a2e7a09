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
  /** When the data last changed while followed (ms since epoch, whole seconds): a certain change. */
  changedAt?: number;
  /** Says how the change was seen, for the Event: "data changed (resourceVersion 5 -> 9) at ...". */
  change?: string;
  /**
   * The API server's managedFields time of the manager owning `data` (whole seconds). Not proof of a data change:
   * the same time moves when that manager edits any field it owns (the kubectl last-applied annotation, GitOps
   * labels), so it only ever yields a warning, never an eviction.
   */
  lastWrite?: number;
}

/**
 * The next memory for one Secret. First sight is the baseline: nothing is claimed (a new leader, or a fresh
 * `report`, cannot tell a data change from an edit of other fields). Later only a changed digest counts, so a label
 * or annotation edit bumps resourceVersion but restarts nothing.
 */
export function followSecret(previous: FollowedSecret | undefined, revision: SecretRevision, now: number): FollowedSecret {
  const lastWrite = parseSeconds(revision.dataLastModified);
  const written = lastWrite !== undefined ? { lastWrite } : {};
  if (previous === undefined) return { revision, ...written };
  if (previous.revision.dataDigest === revision.dataDigest) {
    const { lastWrite: _old, ...kept } = previous;
    return { ...kept, revision, ...written };
  }
  // managedFields' time is the write itself; without it, when we saw it (never earlier than the write).
  const changedAt = lastWrite ?? Math.floor(now / 1000) * 1000;
  return {
    revision,
    changedAt,
    change: `data changed (resourceVersion ${previous.revision.resourceVersion} -> ${revision.resourceVersion}) at ${isoSeconds(changedAt)}`,
    ...written,
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
 * When the running sidecar read its env: its container's last start. Undefined while it is not running (pending,
 * waiting, crash-looping): it reads the current values when it starts.
 */
export function sidecarStartedAt(pod: V1Pod): number | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const startedAt = statuses.find((s) => s.name === SIDECAR_CONTAINER_NAME)?.state?.running?.startedAt;
  return startedAt === undefined ? undefined : wholeSeconds(startedAt);
}

/** A stale finding when a Secret the sidecar reads changed (seen by its digest) after it started; else undefined. */
export function rotationFinding(
  pod: V1Pod,
  followed: (name: string) => FollowedSecret | undefined,
  currentHash: string,
): PodFinding | undefined {
  const startedAt = sidecarStartedAt(pod);
  if (startedAt === undefined) return undefined;
  const changed = sidecarSecretNames(pod).flatMap((name) => {
    const secret = followed(name);
    return secret?.changedAt !== undefined && secret.changedAt > startedAt
      ? [`Secret ${JSON.stringify(name)}: ${secret.change ?? 'data changed'}`]
      : [];
  });
  if (changed.length === 0) return undefined;
  return {
    finding: 'stale',
    cause: 'secret-rotation',
    message: `the sidecar started at ${isoSeconds(startedAt)} and still sends the old values of ${changed.join('; ')} (env from secretKeyRef is read at container start: the pod needs a restart)`,
    actualHash: currentHash,
    desiredHash: currentHash,
  };
}

/** Secrets last written by their data's manager after the sidecar started, with no data change seen: maybe stale. */
export function possibleRotations(pod: V1Pod, followed: (name: string) => FollowedSecret | undefined): string[] {
  const startedAt = sidecarStartedAt(pod);
  if (startedAt === undefined) return [];
  return sidecarSecretNames(pod).flatMap((name) => {
    const secret = followed(name);
    if (secret?.lastWrite === undefined || secret.lastWrite <= startedAt || (secret.changedAt ?? 0) > startedAt) return [];
    return [
      `Secret ${JSON.stringify(name)} was last written by the manager of its data at ${isoSeconds(secret.lastWrite)}, after the sidecar started at ${isoSeconds(startedAt)}: ` +
        'if its data changed then, the pod still sends the old value (a restart fixes it); the same time also moves when that manager edits other fields, so this cannot tell',
    ];
  });
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
