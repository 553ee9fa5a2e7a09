import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MODE_LABEL } from '../../contract/labels.js';
import type { AdmissionRequest } from '../admission/review.js';
import { SecretReferenceIndex } from '../secretGuard/references.js';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';
import { NAMESPACE_CONTROLLER_USER, SECRET_GUARD_METRIC, validateSecretsRoute } from './validateSecrets.js';

const logger = pino({ level: 'silent' });

function setup(options: { labels?: Record<string, string>; terminating?: string[] } = {}) {
  const index = new SecretReferenceIndex();
  index.upsert(
    entry({
      name: 'github',
      spec: headerForward({ addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'creds', key: 'token' } }] }),
    }),
  );
  const registry = new Registry();
  const route = validateSecretsRoute({
    users: (namespace, secret) => index.users(namespace, secret),
    mode: 'enforce',
    namespaces: {
      label: (namespace, key) => (key === MODE_LABEL ? options.labels?.[namespace] : undefined),
      terminating: (namespace) => options.terminating?.includes(namespace) ?? false,
    },
    synced: () => true,
    registry,
  });
  return { route, registry };
}

function secretRequest(operation: 'DELETE' | 'UPDATE', extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: '', version: 'v1', kind: 'Secret' },
    resource: { group: '', version: 'v1', resource: 'secrets' },
    operation,
    namespace: 'team-a',
    name: 'creds',
    userInfo: { username: 'jane' },
    oldObject: { metadata: { name: 'creds' }, data: { token: 'eA==', other: 'eA==' } },
    ...extra,
  };
}

describe('POST /validate-secrets', () => {
  it('enforce: denies deleting a Secret an entry forwards, and counts it', async () => {
    const { route, registry } = setup();
    const verdict = await route.review(secretRequest('DELETE'), { logger });
    expect(verdict).toMatchObject({ allowed: false, mode: 'enforce' });
    expect(verdict.message).toContain('github (key "token")');
    expect(await registry.getSingleMetricAsString(SECRET_GUARD_METRIC)).toContain(
      'mcp_header_forward_secret_guard_total{mode="enforce",outcome="denied"} 1',
    );
  });

  it('finds the Secret in oldObject when a deletecollection sends no request name', async () => {
    const { route } = setup();
    const { name: _name, ...withoutName } = secretRequest('DELETE');
    expect(await route.review(withoutName, { logger })).toMatchObject({ allowed: false });
  });

  it('warn (namespace label): allows with a warning', async () => {
    const { route } = setup({ labels: { 'team-a': 'warn' } });
    const verdict = await route.review(secretRequest('DELETE'), { logger });
    expect(verdict).toMatchObject({ allowed: true, mode: 'warn' });
    expect(verdict.warnings?.[0]).toContain('would be denied in enforce mode');
  });

  it('allows while the namespace terminates, or when the namespace controller deletes', async () => {
    expect(await setup({ terminating: ['team-a'] }).route.review(secretRequest('DELETE'), { logger })).toMatchObject({ allowed: true });
    expect(
      await setup().route.review(secretRequest('DELETE', { userInfo: { username: NAMESPACE_CONTROLLER_USER } }), { logger }),
    ).toMatchObject({ allowed: true });
  });

  it('UPDATE: denies dropping the used key, allows dropping another one', async () => {
    const { route } = setup();
    const dropsUsed = secretRequest('UPDATE', { object: { metadata: { name: 'creds' }, data: { other: 'eA==' } } });
    const dropsOther = secretRequest('UPDATE', { object: { metadata: { name: 'creds' }, data: { token: 'eQ==' } } });
    expect(await route.review(dropsUsed, { logger })).toMatchObject({ allowed: false });
    expect(await route.review(dropsOther, { logger })).toMatchObject({ allowed: true });
  });

  it('skips Secrets nobody forwards, other kinds, and UPDATEs of a Secret already being deleted', async () => {
    const { route } = setup();
    expect(await route.review(secretRequest('DELETE', { name: 'unrelated' }), { logger })).toMatchObject({
      allowed: true,
      mode: 'skipped',
    });
    expect(
      await route.review(secretRequest('DELETE', { kind: { group: '', version: 'v1', kind: 'ConfigMap' } }), { logger }),
    ).toMatchObject({ allowed: true, mode: 'skipped' });
    const draining = secretRequest('UPDATE', { object: { metadata: { name: 'creds', deletionTimestamp: '2026-01-01T00:00:00Z' } } });
    expect(await route.review(draining, { logger })).toMatchObject({ allowed: true, mode: 'skipped' });
  });
});
