import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStamp } from '../../e2e/harness/binaries.js';
import { KUBERNETES_GOBUILD_DIR } from '../../e2e/harness/paths.js';
import { parseGoModVersions, versionLdflags } from '../../e2e/harness/versions.js';

describe('control-plane versions', () => {
  it('reads the pinned Kubernetes and etcd versions from the build module go.mod', () => {
    const versions = parseGoModVersions(readFileSync(join(KUBERNETES_GOBUILD_DIR, 'go.mod'), 'utf8'));
    expect(versions.kubernetes).toMatch(/^v1\.(3[3-9]|[4-9]\d)\.\d+$/);
    expect(versions.etcd).toMatch(/^v3\.\d+\.\d+$/);
  });

  it('reads single-line and block require forms', () => {
    const goMod =
      'module x\n\nrequire k8s.io/kubernetes v1.34.1\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 v3.6.5\n\tk8s.io/api v0.34.1 // indirect\n)\n';
    expect(parseGoModVersions(goMod)).toEqual({ kubernetes: 'v1.34.1', etcd: 'v3.6.5' });
  });

  it('names what is missing when go.mod does not pin both modules', () => {
    expect(() => parseGoModVersions('module x\nrequire k8s.io/kubernetes v1.34.1\n')).toThrow(/etcd=none/);
  });

  it('stamps the release into component-base so /version reports it', () => {
    expect(versionLdflags('v1.36.3')).toEqual([
      '-X k8s.io/component-base/version.gitVersion=v1.36.3',
      '-X k8s.io/component-base/version.gitMajor=1',
      '-X k8s.io/component-base/version.gitMinor=36',
      '-X k8s.io/component-base/version.gitTreeState=clean',
    ]);
  });

  it('changes the build stamp when go.sum or the flags change, so a stale cache is rebuilt', () => {
    const base = buildStamp('mod', 'sum', ['-s']);
    expect(buildStamp('mod', 'sum', ['-s'])).toBe(base);
    expect(buildStamp('mod', 'sum2', ['-s'])).not.toBe(base);
    expect(buildStamp('mod', 'sum', ['-s', '-w'])).not.toBe(base);
  });
});
