import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELM_PREBUILT_ENV, helmBuildArgs, parseHelmVersion, resolveHelm } from '../../e2e/harness/helmBinary.js';

describe('the helm the chart tests build', () => {
  it('is the version go.mod requires, in either require form', () => {
    expect(parseHelmVersion('module x\n\nrequire helm.sh/helm/v4 v4.3.2\n')).toBe('v4.3.2');
    expect(parseHelmVersion('module x\nrequire (\n\thelm.sh/helm/v4 v4.3.2\n\tk8s.io/api v0.35.0 // indirect\n)\n')).toBe('v4.3.2');
    expect(() => parseHelmVersion('module x\nrequire helm.sh/helm/v3 v3.21.4\n')).toThrow(/must require helm\.sh\/helm\/v4/);
  });

  it('reports that version in `helm version`, as a tagged release build does', () => {
    expect(helmBuildArgs('v4.3.2').join(' ')).toContain('-X helm.sh/helm/v4/internal/version.version=v4.3.2');
  });

  it(`is ${HELM_PREBUILT_ENV} when set, refused when it is not executable`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mhf-helm-bin-'));
    try {
      const helm = join(dir, 'helm');
      await writeFile(helm, '#!/bin/sh\n', { mode: 0o755 });
      expect(await resolveHelm({ env: { [HELM_PREBUILT_ENV]: helm } })).toMatchObject({ path: helm, source: HELM_PREBUILT_ENV });
      await writeFile(join(dir, 'plain'), '');
      await expect(resolveHelm({ env: { [HELM_PREBUILT_ENV]: join(dir, 'plain') } })).rejects.toThrow(/not an executable file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
