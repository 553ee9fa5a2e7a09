import { describe, expect, it } from 'vitest';
import { eventsFor, invalidCounts, VALID_AGAIN_REASON } from './scanState.js';
import type { ReportItem } from './types.js';

const item = (status: ReportItem['status'], findings: ReportItem['findings'] = [], name = 'e'): ReportItem => ({
  kind: 'MCPServerEntry',
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  namespace: 'ns',
  name,
  uid: 'u1',
  status,
  findings,
  warnings: [],
});
const missing = { reason: 'HeaderSecretNotFound', field: 'spec.f', message: 'Secret "t" not found' };
const restricted = { reason: 'RestrictedHeader', field: 'spec.g', message: 'header "Host" is restricted' };

describe('eventsFor (dedupe: an Event per change, not per interval)', () => {
  it('a newly failing entry gets one Warning per finding, naming the entry', () => {
    expect(eventsFor(undefined, item('fail', [missing, restricted]))).toEqual([
      {
        type: 'Warning',
        reason: 'HeaderSecretNotFound',
        message: 'spec.f: Secret "t" not found',
        regarding: expect.objectContaining({ name: 'e', uid: 'u1', kind: 'MCPServerEntry' }),
      },
      {
        type: 'Warning',
        reason: 'RestrictedHeader',
        message: 'spec.g: header "Host" is restricted',
        regarding: expect.objectContaining({ name: 'e' }),
      },
    ]);
  });

  it('the same failure on the next pass emits nothing', () => {
    expect(eventsFor(item('fail', [missing]), item('fail', [missing]))).toEqual([]);
  });

  it('only the new finding is emitted when another one appears', () => {
    expect(eventsFor(item('fail', [missing]), item('fail', [missing, restricted])).map((e) => e.reason)).toEqual(['RestrictedHeader']);
  });

  it('a fixed entry gets one Normal event; a passing one nothing', () => {
    expect(eventsFor(item('fail', [missing]), item('pass'))).toEqual([
      expect.objectContaining({ type: 'Normal', reason: VALID_AGAIN_REASON }),
    ]);
    expect(eventsFor(item('pass'), item('pass'))).toEqual([]);
    expect(eventsFor(undefined, item('pass'))).toEqual([]);
  });
});

describe('invalidCounts', () => {
  it('counts failing entries per namespace and reason, each entry once per reason', () => {
    const counts = [
      ...invalidCounts([item('fail', [missing, missing, restricted], 'a'), item('fail', [missing], 'b'), item('pass', [], 'c')]).values(),
    ];
    expect(counts).toEqual([
      { namespace: 'ns', reason: 'HeaderSecretNotFound', count: 2 },
      { namespace: 'ns', reason: 'RestrictedHeader', count: 1 },
    ]);
  });
});
