import { describe, expect, it } from 'vitest';
import { podItem } from './podItem.js';

const pod = { metadata: { name: 'gw-1', namespace: 'team', uid: 'u1', resourceVersion: '7' } };
const finding = (kind: 'ok' | 'missing' | 'stale' | 'orphaned' | 'unplannable', message = 'why') => ({
  finding: { finding: kind, message, actualHash: 'a', desiredHash: 'b' },
});

describe('podItem', () => {
  it('ok passes with nothing to say', () => {
    expect(podItem(pod, finding('ok'))).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: 'team',
      name: 'gw-1',
      uid: 'u1',
      resourceVersion: '7',
      status: 'pass',
      findings: [],
      warnings: [],
    });
  });

  it('each drift finding fails with the Event reason, the field that differs and a fix', () => {
    expect(podItem(pod, finding('missing')).findings).toEqual([
      {
        reason: 'SidecarMissing',
        field: 'spec.initContainers',
        message: 'why',
        hint: expect.stringContaining('mutating webhook is registered'),
      },
    ]);
    expect(podItem(pod, finding('stale')).findings[0]).toMatchObject({
      reason: 'SidecarStale',
      field: 'metadata.annotations["mcp-header-forward.dev/status"]',
      hint: expect.stringContaining('injector flags'),
    });
    expect(podItem(pod, finding('orphaned')).findings[0]).toMatchObject({
      reason: 'SidecarOrphaned',
      hint: expect.stringContaining('recreate the pod'),
    });
    expect(podItem(pod, finding('unplannable')).status).toBe('fail');
  });

  it('a check that could not run is an error item, claiming nothing', () => {
    const item = podItem(pod, { error: 'cannot read namespace "team"' });
    expect(item.status).toBe('error');
    expect(item.findings[0]?.message).toBe('cannot read namespace "team"');
  });

  it('a Secret rotation is a stale sidecar env with its own fix; possible rotations are warnings on a passing pod', () => {
    const rotated = podItem(pod, {
      finding: { finding: 'stale', cause: 'secret-rotation', message: 'old values', actualHash: 'a', desiredHash: 'a' },
    });
    expect(rotated.findings[0]).toMatchObject({
      reason: 'SidecarStale',
      field: 'spec.initContainers[header-forward-proxy].env',
      hint: expect.stringContaining('reads the current Secret'),
    });
    const maybe = podItem(pod, { ...finding('ok'), warnings: ['Secret "t" was last written ...'] });
    expect(maybe).toMatchObject({ status: 'pass', findings: [], warnings: ['Secret "t" was last written ...'] });
  });
});
