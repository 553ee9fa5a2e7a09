import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../cli/check/evaluate.js';
import { DEFAULT_TARGET } from '../cli/check/target.js';
import type { GatheredFacts, InstallFacts } from '../cli/check/types.js';

// docs/check.md names every check `check` can print (its `id`) and no other: a new check without its
// documentation, or a row for a check that is gone, fails here.

const text = readFileSync(new URL('check.md', import.meta.url), 'utf8');
const documented = new Set(
  [...text.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? \|/gm)].flatMap((m) => [m[1]!, ...(m[2] === undefined ? [] : [m[2]])]),
);

const api = { server: 'https://127.0.0.1:6443', context: undefined, reach: { version: 'v1.36.3' } };
const crds = ['mcpserverentries', 'virtualmcpservers'].map((plural) => ({
  plural,
  group: 'toolhive.stacklok.dev',
  read: { status: 'missing' as const },
}));
const install: InstallFacts = {
  deployment: { status: 'missing' },
  tlsSecret: { status: 'missing' },
  configurations: [
    { kind: 'ValidatingWebhookConfiguration', read: { status: 'missing' } },
    { kind: 'MutatingWebhookConfiguration', read: { status: 'missing' } },
  ],
  probe: { skipped: 'no CRD' },
  injectionProbe: {
    namespace: 'default',
    name: 'p',
    nonce: 'n',
    namespaceInjectLabel: undefined,
    outcome: { allowed: true, reviewed: undefined },
  },
  secretGuardProbe: { skipped: 'no CRD' },
  rbac: { serviceAccount: { namespace: 'ns', name: 'sa' }, fromDeployment: false, answers: [] },
  operators: [],
};

async function idsOf(facts: Omit<GatheredFacts, 'target' | 'now'>): Promise<string[]> {
  return (await evaluate({ ...facts, target: DEFAULT_TARGET, now: new Date() })).map((result) => result.id);
}

describe('docs/check.md', () => {
  it('has a row for every check, in both modes, and only for those', async () => {
    const ids = new Set([
      ...(await idsOf({ mode: 'full', api, cluster: { crds, install } })),
      ...(await idsOf({ mode: 'pre', api, cluster: { crds, installPermissions: { error: 'x' }, certManagerCrds: [] } })),
    ]);
    expect(ids.size).toBe(15);
    expect([...ids].filter((id) => !documented.has(id))).toEqual([]);
    expect([...documented].filter((id) => !ids.has(id))).toEqual([]);
  });
});
