import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requiredVersion } from '../../test/e2e/harness/goModule.js';
import { KYVERNO_GOBUILD_DIR as E2E_KYVERNO_DIR } from '../../test/e2e/harness/paths.js';
import { KYVERNO_MODULE } from '../../test/e2e/harness/policyReportCrd.js';
import { KYVERNO_GOBUILD_DIR, kyvernoBuildArgs, kyvernoCacheDir } from './kyvernoBinary.js';

describe('the Kyverno build', () => {
  it('builds the version the e2e pins for its CRDs (one Kyverno across the project)', async () => {
    const bench = requiredVersion(await readFile(join(KYVERNO_GOBUILD_DIR, 'go.mod'), 'utf8'), KYVERNO_MODULE);
    const e2e = requiredVersion(await readFile(join(E2E_KYVERNO_DIR, 'go.mod'), 'utf8'), KYVERNO_MODULE);
    expect(bench).toBeDefined();
    expect(bench).toBe(e2e);
  });

  it('carries Kyverno’s own replace (replaces in a dependency’s go.mod do not apply to ours)', async () => {
    const ours = await readFile(join(KYVERNO_GOBUILD_DIR, 'go.mod'), 'utf8');
    expect(ours).toMatch(/^replace k8s\.io\/pod-security-admission => github\.com\/kyverno\/pod-security-admission /m);
  });

  it('builds cmd/kyverno with its version stamped, into a cache directory named by version', () => {
    expect(kyvernoBuildArgs('v1.19.1', '/tmp/out/kyverno')).toEqual([
      'build',
      '-trimpath',
      '-ldflags',
      '-s -w -X github.com/kyverno/kyverno/pkg/version.BuildVersion=v1.19.1',
      '-o',
      '/tmp/out/kyverno',
      'github.com/kyverno/kyverno/cmd/kyverno',
    ]);
    expect(kyvernoCacheDir('v1.19.1', { XDG_CACHE_HOME: '/c' })).toBe('/c/mcp-header-forward/bin/kyverno-v1.19.1');
  });
});
