import { describe, expect, it } from 'vitest';
import { imageTag, toolhiveOperatorCheck } from './toolhiveOperator.js';
import type { OperatorFacts } from './types.js';

const operator = (image: string | undefined, versionLabel?: string): OperatorFacts => ({
  namespace: 'toolhive-system',
  name: 'toolhive-operator',
  image,
  versionLabel,
});

describe('imageTag', () => {
  it.each([
    ['ghcr.io/stacklok/toolhive/operator:v0.44.0', 'v0.44.0'],
    ['ghcr.io/stacklok/toolhive/operator:v0.44.0@sha256:abc', 'v0.44.0'],
    ['registry:5000/operator:v0.20.1', 'v0.20.1'],
    ['registry:5000/operator', undefined],
    ['ghcr.io/stacklok/toolhive/operator@sha256:abc', undefined],
  ])('%s -> %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe('toolhiveOperatorCheck', () => {
  it('passes, saying that an operator >= v0.27.2 forwards headers itself and the injector seals', () => {
    expect(toolhiveOperatorCheck([operator('ghcr.io/stacklok/toolhive/operator:v0.44.0')])).toEqual({
      id: 'toolhive-operator',
      title: 'ToolHive operator',
      status: 'pass',
      detail:
        'v0.44.0 at toolhive-system/toolhive-operator: forwards headerForward itself (>= v0.27.2): the injector seals those Secrets (--toolhive-forwarding seal, the default)',
    });
  });

  it('passes for an older operator, saying the sidecar adds every header', () => {
    expect(toolhiveOperatorCheck([operator('x/operator:v0.27.1')]).detail).toBe(
      'v0.27.1 at toolhive-system/toolhive-operator: does not forward headerForward (< v0.27.2): the sidecar adds every header',
    );
  });

  it('says when it is newer than the version tested here', () => {
    expect(toolhiveOperatorCheck([operator('x/operator:v9.0.0')]).detail).toContain('newer than tested v0.44.0');
  });

  it("reads the chart's version label when the image has no release tag", () => {
    expect(toolhiveOperatorCheck([operator('x/operator:latest', 'v0.30.0')])).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^v0\.30\.0 at /),
    });
  });

  it('warns when the version cannot be told', () => {
    const result = toolhiveOperatorCheck([operator('x/operator@sha256:abc')]);
    expect(result).toMatchObject({
      status: 'warn',
      detail: 'toolhive-system/toolhive-operator: cannot tell the version from image x/operator@sha256:abc',
    });
    expect(result.fix).toContain('app.kubernetes.io/version');
  });

  it('warns when none is found, with the Helm command', () => {
    const result = toolhiveOperatorCheck([]);
    expect(result).toMatchObject({ status: 'warn' });
    expect(result.fix).toContain('helm upgrade -i toolhive-operator oci://ghcr.io/stacklok/toolhive/toolhive-operator');
  });

  it('warns when it cannot look', () => {
    expect(toolhiveOperatorCheck({ error: 'HTTP 403' })).toMatchObject({
      status: 'warn',
      detail: 'cannot look for it: HTTP 403',
      fix: expect.stringContaining('list on deployments in all namespaces'),
    });
  });
});
