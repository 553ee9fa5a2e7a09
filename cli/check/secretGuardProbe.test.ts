import { describe, expect, it } from 'vitest';
import { decideSecretChange, type SecretChange } from '../../webhook/secretGuard/decide.js';
import { SECRET_GUARD_WEBHOOK_NAME, VALIDATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { forwardedSecret } from './gather/secretGuardProbe.js';
import { secretGuardProbeCheck } from './secretGuardProbe.js';
import { DEFAULT_TARGET as target } from './target.js';
import type { ConfigurationFacts, SecretGuardProbeFacts } from './types.js';

const service = { service: { namespace: 'mcp-header-forward', name: 'mcp-header-forward', port: 443 } };
const registered = (...names: string[]): ConfigurationFacts[] => [
  {
    kind: 'ValidatingWebhookConfiguration',
    read: { status: 'found', value: { webhooks: names.map((name) => ({ name, target: service, caBundlePem: undefined })) } },
  },
];
const withGuard = registered(VALIDATING_WEBHOOK_NAME, SECRET_GUARD_WEBHOOK_NAME);
const probe = { namespace: 'team-a', secret: 'github-token', entry: 'github', namespaceMode: undefined };
// The guard's own words for this DELETE, in enforce and in warn mode.
const change: SecretChange = {
  operation: 'DELETE',
  namespace: 'team-a',
  secret: 'github-token',
  oldKeys: ['token'],
  namespaceTerminating: false,
  users: [{ entry: 'github', keys: ['token'] }],
};
const enforced = decideSecretChange(change, 'enforce');
const warned = decideSecretChange(change, 'warn');

const facts = (outcome: Extract<SecretGuardProbeFacts, { secret: string }>['outcome'], namespaceMode?: string): SecretGuardProbeFacts => ({
  ...probe,
  namespaceMode,
  outcome,
});

describe('secretGuardProbeCheck', () => {
  it("passes on the guard's denial as the API server relays it", () => {
    const message = `admission webhook "${SECRET_GUARD_WEBHOOK_NAME}" denied the request: ${enforced.message!}`;
    expect(secretGuardProbeCheck(facts({ allowed: false, code: 403, message }), withGuard, target)).toMatchObject({
      id: 'secret-guard-probe',
      title: 'Dry-run DELETE of Secret team-a/github-token (used by github) answered by the Secret guard',
      status: 'pass',
    });
  });

  it("passes on the guard's warning in warn mode", () => {
    expect(secretGuardProbeCheck(facts({ allowed: true, warnings: warned.warnings }, 'warn'), withGuard, target).status).toBe('pass');
  });

  it('fails when admitted silently (failurePolicy Ignore hides the failed call); not conclusive in audit mode', () => {
    const silent = secretGuardProbeCheck(facts({ allowed: true, warnings: [] }), withGuard, target);
    expect(silent).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('admitted silently: the API server did not reach the guard'),
    });
    expect(secretGuardProbeCheck(facts({ allowed: true, warnings: [] }, 'audit'), withGuard, target).status).toBe('skip');
  });

  it('is not run when the guard is not registered or there is no forwarded Secret in the namespace', () => {
    expect(secretGuardProbeCheck(facts({ allowed: true, warnings: [] }), registered(VALIDATING_WEBHOOK_NAME), target)).toMatchObject({
      status: 'skip',
      detail: `not run: ${SECRET_GUARD_WEBHOOK_NAME} is not registered (no Secret guard)`,
    });
    expect(
      secretGuardProbeCheck({ skipped: 'no MCPServerEntry in namespace default forwards a header from a Secret' }, withGuard, target),
    ).toMatchObject({
      status: 'skip',
      title: 'Dry-run DELETE of a forwarded Secret answered by the Secret guard',
    });
  });

  it('warns when the caller may not delete Secrets; fails when someone else refused', () => {
    expect(
      secretGuardProbeCheck(facts({ allowed: false, code: 403, message: 'secrets "github-token" is forbidden' }), withGuard, target),
    ).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('delete on secrets in namespace team-a'),
    });
    expect(
      secretGuardProbeCheck(
        facts({ allowed: false, code: 400, message: 'admission webhook "other.example.com" denied the request: no' }),
        withGuard,
        target,
      ).status,
    ).toBe('fail');
  });
});

describe('forwardedSecret', () => {
  it('picks the first Secret by entry and Secret name, skipping entries being deleted and plaintext-only ones', () => {
    const entry = (name: string, secrets: string[], deletionTimestamp?: string) => ({
      metadata: { name, ...(deletionTimestamp ? { deletionTimestamp } : {}) },
      spec: { headerForward: { addHeadersFromSecret: secrets.map((s) => ({ valueSecretRef: { name: s } })) } },
    });
    expect(forwardedSecret([entry('b', ['z', 'y']), entry('a', [], undefined), entry('0', ['x'], '2026-01-01T00:00:00Z')])).toEqual({
      entry: 'b',
      secret: 'y',
    });
    expect(forwardedSecret([{ metadata: { name: 'plain' }, spec: {} }])).toBeUndefined();
  });
});
