import { describe, expect, it } from 'vitest';
import { crdCheck } from './crds.js';
import type { CrdFacts } from './types.js';

const found = (servedVersions: string[], established = true): CrdFacts => ({
  plural: 'mcpserverentries',
  group: 'toolhive.stacklok.dev',
  read: { status: 'found', value: { servedVersions, storageVersion: servedVersions.at(-1), established } },
});

describe('crdCheck', () => {
  it("passes when v1beta1 (the informers') and v1alpha1 are served", () => {
    expect(crdCheck(found(['v1alpha1', 'v1beta1']))).toEqual({
      id: 'crd/mcpserverentries',
      title: 'CRD mcpserverentries.toolhive.stacklok.dev',
      status: 'pass',
      detail: 'served: v1alpha1, v1beta1',
    });
  });

  it("fails when missing, with the Helm command for ToolHive's CRDs", () => {
    const result = crdCheck({ ...found([]), read: { status: 'missing' } });
    expect(result).toMatchObject({ status: 'fail', detail: 'not found: ToolHive is not installed' });
    expect(result.fix).toContain('helm upgrade -i toolhive-operator-crds oci://ghcr.io/stacklok/toolhive/toolhive-operator-crds');
  });

  it('fails when it cannot be read, naming the permission', () => {
    const result = crdCheck({ ...found([]), read: { status: 'error', code: 403, message: 'the API server answered HTTP 403' } });
    expect(result).toMatchObject({ status: 'fail', detail: 'cannot read it: the API server answered HTTP 403' });
    expect(result.fix).toContain('get on customresourcedefinitions.apiextensions.k8s.io');
  });

  it('fails when not Established', () => {
    expect(crdCheck(found(['v1beta1'], false))).toMatchObject({ status: 'fail', detail: 'not Established yet (serves v1beta1)' });
  });

  it('fails when no served version is one this build handles', () => {
    const result = crdCheck(found(['v1']));
    expect(result).toMatchObject({ status: 'fail', detail: 'serves v1, none of the versions this build handles (v1alpha1, v1beta1)' });
  });

  it('warns when only v1alpha1 is served: the informers need --toolhive-api-version v1alpha1', () => {
    expect(crdCheck(found(['v1alpha1']))).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('--toolhive-api-version v1alpha1'),
    });
  });

  it('warns about a newer version next to the handled ones', () => {
    const result = crdCheck(found(['v1alpha1', 'v1beta1', 'v1']));
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.detail).toContain('v1 is newer than this build');
  });
});
