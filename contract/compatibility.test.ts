import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TESTED_ETCD_VERSION,
  TESTED_HELM_VERSION,
  TESTED_KUBERNETES_VERSION,
  TESTED_KYVERNO_VERSION,
  TESTED_TOOLHIVE_VERSION,
} from './compatibility.js';

const goMod = (module: string): string => readFileSync(new URL(`../test/e2e/gobuild/${module}/go.mod`, import.meta.url), 'utf8');
const pinned = (text: string, path: string): string | undefined =>
  new RegExp(`${path.replaceAll('.', '\\.')} (v[0-9][^\\s]*)`).exec(text)?.[1];

describe('tested versions', () => {
  it('are the versions the e2e suites build', () => {
    expect(pinned(goMod('toolhive'), 'github.com/stacklok/toolhive')).toBe(TESTED_TOOLHIVE_VERSION);
    expect(pinned(goMod('kubernetes'), 'k8s.io/kubernetes')).toBe(TESTED_KUBERNETES_VERSION);
    expect(pinned(goMod('kubernetes'), 'go.etcd.io/etcd/server/v3')).toBe(TESTED_ETCD_VERSION);
    expect(pinned(goMod('kyverno'), 'github.com/kyverno/kyverno')).toBe(TESTED_KYVERNO_VERSION);
    expect(pinned(goMod('helm'), 'helm.sh/helm/v4')).toBe(TESTED_HELM_VERSION);
  });
});
