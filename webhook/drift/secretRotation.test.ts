import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { SIDECAR_CONTAINER_NAME } from '../../contract/labels.js';
import { secretFacts } from '../validate/secretFacts.js';
import type { SecretRevision } from '../validate/types.js';
import {
  followSecret,
  possibleRotations,
  rotationFinding,
  sidecarSecretNames,
  sidecarStartedAt,
  type FollowedSecret,
} from './secretRotation.js';

const at = (iso: string) => Date.parse(iso);

function revision(value: string, resourceVersion: string, dataLastModified?: string): SecretRevision {
  const facts = secretFacts(
    {
      metadata: {
        name: 's',
        resourceVersion,
        ...(dataLastModified !== undefined
          ? { managedFields: [{ time: dataLastModified, fieldsV1: { 'f:data': { 'f:token': {} } } }] }
          : {}),
      },
      data: { token: Buffer.from(value).toString('base64') },
    },
    'ns',
  );
  return facts.revision!;
}

function pod(options: { created?: string; sidecarStarted?: string; sidecarWaiting?: boolean; secrets?: string[] }): V1Pod {
  const env = (options.secrets ?? ['token-a']).map((name, i) => ({ name: `E${i}`, valueFrom: { secretKeyRef: { name, key: 'k' } } }));
  return {
    metadata: { name: 'p', namespace: 'ns', creationTimestamp: new Date(options.created ?? '2026-11-27T10:00:00Z') },
    spec: {
      initContainers: [{ name: SIDECAR_CONTAINER_NAME, env: [...env, { name: 'PLAIN', value: 'x' }] }],
      containers: [{ name: 'vmcp' }],
    },
    status:
      options.sidecarStarted !== undefined || options.sidecarWaiting === true
        ? {
            initContainerStatuses: [
              {
                name: SIDECAR_CONTAINER_NAME,
                image: 'i',
                imageID: '',
                ready: true,
                restartCount: 0,
                state:
                  options.sidecarWaiting === true
                    ? { waiting: { reason: 'CrashLoopBackOff' } }
                    : { running: { startedAt: new Date(options.sidecarStarted!) } },
              },
            ],
          }
        : {},
  };
}

describe('secret revision facts', () => {
  it('digest follows the data only, and keeps no value', () => {
    const a = revision('sentinel-value-123', '1');
    expect(revision('sentinel-value-123', '2').dataDigest).toBe(a.dataDigest);
    expect(revision('sentinel-value-124', '2').dataDigest).not.toBe(a.dataDigest);
    expect(JSON.stringify(a)).not.toContain('sentinel-value-123');
    expect(JSON.stringify(a)).not.toContain(Buffer.from('sentinel-value-123').toString('base64'));
  });

  it('dataLastModified is the newest time of a manager owning data, ignoring metadata-only managers', () => {
    const facts = secretFacts(
      {
        metadata: {
          resourceVersion: '9',
          managedFields: [
            { time: '2026-11-27T09:00:00Z', fieldsV1: { 'f:data': {} } },
            { time: '2026-11-27T11:00:00Z', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
            { time: new Date('2026-11-27T10:00:00.000Z'), fieldsV1: { 'f:stringData': {} } },
          ],
        },
        data: {},
      },
      'ns',
    );
    expect(facts.revision?.dataLastModified).toBe('2026-11-27T10:00:00Z');
  });

  it('Secrets from files carry no revision', () => {
    expect(secretFacts({ data: {} }, 'ns').revision).toBeUndefined();
  });
});

describe('followSecret', () => {
  it("first sight is the baseline: no change claimed, the data manager's last write kept as a hint only", () => {
    const first = followSecret(undefined, revision('v', '1', '2026-11-27T10:00:05Z'), 0);
    expect(first.changedAt).toBeUndefined();
    expect(first.lastWrite).toBe(at('2026-11-27T10:00:05Z'));
    expect(followSecret(undefined, revision('v', '1'), at('2026-11-27T12:00:00Z'))).toEqual({ revision: revision('v', '1') });
  });

  it('the data manager editing an annotation moves lastWrite but is no change', () => {
    const first = followSecret(undefined, revision('v', '1', '2026-11-27T10:00:00Z'), 0);
    const annotated = followSecret(first, revision('v', '2', '2026-11-27T11:00:00Z'), at('2026-11-27T11:00:10Z'));
    expect(annotated.changedAt).toBeUndefined();
    expect(annotated.lastWrite).toBe(at('2026-11-27T11:00:00Z'));
  });

  it('a metadata-only update (new resourceVersion, same data) changes nothing', () => {
    const first = followSecret(undefined, revision('v', '1'), 0);
    const next = followSecret(first, revision('v', '2'), at('2026-11-27T12:00:00Z'));
    expect(next.changedAt).toBeUndefined();
    expect(next.revision.resourceVersion).toBe('2');
  });

  it('changed data: the write time when known, else the second it was seen; the Event says which versions', () => {
    const first = followSecret(undefined, revision('v1', '1'), 0);
    const seen = followSecret(first, revision('v2', '7'), at('2026-11-27T12:00:00.750Z'));
    expect(seen.changedAt).toBe(at('2026-11-27T12:00:00Z'));
    expect(seen.change).toBe('data changed (resourceVersion 1 -> 7) at 2026-11-27T12:00:00Z');
    const written = followSecret(first, revision('v2', '7', '2026-11-27T11:59:58Z'), at('2026-11-27T12:00:00.750Z'));
    expect(written.changedAt).toBe(at('2026-11-27T11:59:58Z'));
  });
});

describe('sidecar start and secrets', () => {
  it('reads the Secrets from the sidecar env only, sorted and unique', () => {
    expect(sidecarSecretNames(pod({ secrets: ['b', 'a', 'b'] }))).toEqual(['a', 'b']);
  });

  it("start is the sidecar container's running start; unknown while it is not running or has no status (pending pod)", () => {
    expect(sidecarStartedAt(pod({ sidecarStarted: '2026-11-27T10:30:00.400Z' }))).toBe(at('2026-11-27T10:30:00Z'));
    expect(sidecarStartedAt(pod({ created: '2026-11-27T10:00:00Z' }))).toBeUndefined();
    expect(sidecarStartedAt(pod({ sidecarWaiting: true }))).toBeUndefined();
  });
});

describe('rotationFinding', () => {
  const followedAt =
    (iso: string | undefined): ((name: string) => FollowedSecret | undefined) =>
    (name) =>
      name === 'token-a'
        ? {
            revision: revision('v', '2'),
            ...(iso !== undefined ? { changedAt: at(iso), change: 'data changed (resourceVersion 1 -> 2)' } : {}),
          }
        : undefined;

  it('stale when a read Secret changed after the sidecar started', () => {
    const finding = rotationFinding(pod({ sidecarStarted: '2026-11-27T10:00:00Z' }), followedAt('2026-11-27T10:00:01Z'), 'h1');
    expect(finding?.finding).toBe('stale');
    expect(finding?.actualHash).toBe('h1');
    expect(finding?.message).toContain('Secret "token-a": data changed (resourceVersion 1 -> 2)');
    expect(finding?.message).toContain('started at 2026-11-27T10:00:00Z');
  });

  it('possible rotations: a data-manager write after the start with no data change seen is a warning, never a finding', () => {
    const written =
      (lastWrite: string, changedAt?: string) =>
      (name: string): FollowedSecret | undefined =>
        name === 'token-a'
          ? { revision: revision('v', '2'), lastWrite: at(lastWrite), ...(changedAt !== undefined ? { changedAt: at(changedAt) } : {}) }
          : undefined;
    const started = pod({ sidecarStarted: '2026-11-27T10:00:00Z' });
    expect(possibleRotations(started, written('2026-11-27T11:00:00Z'))).toEqual([
      expect.stringContaining(
        'Secret "token-a" was last written by the manager of its data at 2026-11-27T11:00:00Z, after the sidecar started at 2026-11-27T10:00:00Z',
      ),
    ]);
    expect(rotationFinding(started, written('2026-11-27T11:00:00Z'), 'h')).toBeUndefined();
    expect(possibleRotations(started, written('2026-11-27T09:00:00Z'))).toEqual([]);
    // A certain change already makes it stale: no second, vaguer line.
    expect(possibleRotations(started, written('2026-11-27T11:00:00Z', '2026-11-27T11:00:00Z'))).toEqual([]);
    expect(possibleRotations(pod({}), written('2026-11-27T11:00:00Z'))).toEqual([]);
  });

  it('current when the change is older, in the same second, or unknown', () => {
    expect(rotationFinding(pod({ sidecarStarted: '2026-11-27T10:00:00Z' }), followedAt('2026-11-27T09:59:59Z'), 'h')).toBeUndefined();
    expect(rotationFinding(pod({ sidecarStarted: '2026-11-27T10:00:00.900Z' }), followedAt('2026-11-27T10:00:00Z'), 'h')).toBeUndefined();
    expect(rotationFinding(pod({ sidecarStarted: '2026-11-27T10:00:00Z' }), followedAt(undefined), 'h')).toBeUndefined();
    expect(rotationFinding(pod({ sidecarWaiting: true }), followedAt('2026-11-27T11:00:00Z'), 'h')).toBeUndefined();
  });
});
