import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { CHECK_PROBE_ANNOTATION } from '../../contract/labels.js';
import { checkProbePatch } from './checkProbe.js';

const pod = (annotations?: Record<string, string>): V1Pod => ({ metadata: { name: 'p', ...(annotations ? { annotations } : {}) } });

describe('checkProbePatch', () => {
  it("echoes the probe's nonce in the reviewed annotation (JSON Pointer-escaped key), on a dry run", () => {
    expect(checkProbePatch(pod({ [CHECK_PROBE_ANNOTATION]: 'n1' }), true)).toEqual([
      { op: 'add', path: '/metadata/annotations/mcp-header-forward.dev~1check-reviewed', value: 'n1' },
    ]);
  });

  it('does nothing for a pod that will be stored, or one without the probe annotation', () => {
    expect(checkProbePatch(pod({ [CHECK_PROBE_ANNOTATION]: 'n1' }), false)).toBeUndefined();
    expect(checkProbePatch(pod({ [CHECK_PROBE_ANNOTATION]: 'n1' }), undefined)).toBeUndefined();
    expect(checkProbePatch(pod(), true)).toBeUndefined();
  });
});
