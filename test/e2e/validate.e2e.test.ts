import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MODE_LABEL } from '../../contract/labels.js';
import { VALIDATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, type EntriesApi, type HeaderForward } from './harness/entries.js';
import { kubectl } from './harness/kubectl.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// Every Secret value in this file contains the sentinel; the webhook's log must never show it.
const SENTINEL = `sentinel-${randomBytes(8).toString('hex')}`;
const suffix = randomBytes(3).toString('hex');
const NS = {
  enforce: `validate-${suffix}`,
  warn: `validate-warn-${suffix}`,
  audit: `validate-audit-${suffix}`,
  other: `validate-other-${suffix}`,
};
const DENIED_BY_US = `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request`;

let cluster: Cluster;
let core: CoreV1Api;
let webhook: WebhookProcess;
let registration: Registration;
let rbac: { remove(): Promise<void> };
let entries: EntriesApi;

async function createSecret(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: data } });
}

const secretHeader = (headerName: string, name: string, key: string): NonNullable<HeaderForward['addHeadersFromSecret']>[number] => ({
  headerName,
  valueSecretRef: { name, key },
});

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  // Namespaces exist before the webhook starts, so its namespace informer sees the mode labels from its first list.
  await core.createNamespace({ body: { metadata: { name: NS.enforce } } });
  await core.createNamespace({ body: { metadata: { name: NS.warn, labels: { [MODE_LABEL]: 'warn' } } } });
  await core.createNamespace({ body: { metadata: { name: NS.audit, labels: { [MODE_LABEL]: 'audit' } } } });
  await core.createNamespace({ body: { metadata: { name: NS.other } } });
  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster);
  registration = await registerValidatingWebhook(cluster.admin, webhook, { probeNamespace: NS.other });
  entries = entriesApi(cluster.admin, NS.enforce);
});

afterAll(async () => {
  await registration?.remove();
  await webhook?.stop();
  await rbac?.remove();
});

describe('enforce mode, through the real API server', () => {
  it('rejects an entry whose Secrets are missing, listing each violation with its field path; admits the same entry once they exist', async () => {
    const entry = entryManifest('missing-secrets', {
      addHeadersFromSecret: [secretHeader('Authorization', 'upstream-token', 'token'), secretHeader('X-Api-Key', 'upstream-key', 'key')],
    });
    const rejected = await entries.create(entry);
    expect(rejected).toMatchObject({ admitted: false, status: 403 });
    if (rejected.admitted) return;
    expect(rejected.message).toContain(DENIED_BY_US);
    expect(rejected.message).toContain(
      `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "upstream-token" not found in namespace "${NS.enforce}"`,
    );
    expect(rejected.message).toContain(
      `spec.headerForward.addHeadersFromSecret[1].valueSecretRef.name: Secret "upstream-key" not found in namespace "${NS.enforce}"`,
    );

    await createSecret(NS.enforce, 'upstream-token', { token: `Bearer ${SENTINEL}` });
    await createSecret(NS.enforce, 'upstream-key', { key: SENTINEL });
    expect(await entries.create(entry)).toMatchObject({ admitted: true, object: { metadata: { name: 'missing-secrets' } } });
  });

  it.each(['host', 'X-FORWARDED-FOR', 'proxy-authorization', 'Transfer-Encoding'])(
    'rejects the restricted header %s, whatever its case',
    async (header) => {
      const outcome = await entries.create(
        entryManifest(`restricted-${randomBytes(2).toString('hex')}`, { addPlaintextHeaders: { [header]: 'x' } }),
        { dryRun: true },
      );
      expect(outcome).toMatchObject({ admitted: false, status: 403 });
      expect(outcome.admitted ? '' : outcome.message).toContain(
        `spec.headerForward.addPlaintextHeaders[${JSON.stringify(header)}]: header ${JSON.stringify(header)} is restricted`,
      );
    },
  );

  it('rejects a restricted header referenced from a Secret too', async () => {
    const outcome = await entries.create(
      entryManifest('restricted-secret', { addHeadersFromSecret: [secretHeader('X-Real-IP', 'upstream-key', 'key')] }),
      { dryRun: true },
    );
    expect(outcome.admitted ? '' : outcome.message).toContain(
      'spec.headerForward.addHeadersFromSecret[0].headerName: header "X-Real-IP" is restricted',
    );
  });

  it.each(['X Api Key', 'X-Api:Key', 'Bad(Header)'])('rejects %j, which is not an RFC 9110 token', async (header) => {
    const outcome = await entries.create(entryManifest('bad-token', { addPlaintextHeaders: { [header]: 'x' } }), { dryRun: true });
    expect(outcome.admitted ? '' : outcome.message).toContain(`${JSON.stringify(header)} is not a valid HTTP header name (RFC 9110 token)`);
  });

  it('rejects CR/LF in plaintext values (header injection)', async () => {
    const outcome = await entries.create(entryManifest('crlf', { addPlaintextHeaders: { 'X-Team': 'blue\r\nX-Injected: 1' } }), {
      dryRun: true,
    });
    expect(outcome).toMatchObject({ admitted: false, status: 403 });
    expect(outcome.admitted ? '' : outcome.message).toContain('spec.headerForward.addPlaintextHeaders["X-Team"]');
  });

  it('rejects a Secret value with a trailing newline, saying how to fix it and never quoting the value', async () => {
    await createSecret(NS.enforce, 'echoed', { token: `${SENTINEL}\n` });
    const outcome = await entries.create(
      entryManifest('echoed', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'echoed', 'token')] }),
      { dryRun: true },
    );
    expect(outcome.admitted ? '' : outcome.message).toContain(
      'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key: the value of key "token" of Secret "echoed" ends with a trailing newline',
    );
    expect(outcome.admitted ? '' : outcome.message).toContain('echo -n');
    expect(JSON.stringify(outcome)).not.toContain(SENTINEL);
  });

  it('rejects secret headers whose env var names collide after normalisation', async () => {
    const outcome = await entries.create(
      entryManifest('collide', {
        addHeadersFromSecret: [secretHeader('X-Api.Key', 'upstream-key', 'key'), secretHeader('X-Api-Key', 'upstream-key', 'key')],
      }),
      { dryRun: true },
    );
    expect(outcome.admitted ? '' : outcome.message).toMatch(
      /spec\.headerForward\.addHeadersFromSecret\[1\]\.headerName: header "X-Api-Key" and "X-Api\.Key" .* map to the same env var TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_COLLIDE/,
    );
  });

  it('rejects an entry whose secret header env var another entry of its group already uses (names differing only in "-" vs ".")', async () => {
    // "missing-secrets" (admitted above) forwards X-Api-Key from a Secret; "missing.secrets" would get the same env var.
    const twin = entryManifest('missing.secrets', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'upstream-key', 'key')] });
    await expect
      .poll(
        async () => {
          const outcome = await entries.create(twin, { dryRun: true });
          return outcome.admitted ? 'admitted' : outcome.message;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toContain(
        'spec.headerForward.addHeadersFromSecret[0].headerName: header "X-Api-Key" gets env var TOOLHIVE_SECRET_HEADER_FORWARD_X_API_KEY_MISSING_SECRETS, which MCPServerEntry "missing-secrets" (header "X-Api-Key", same group',
      );
    const distinct = entryManifest('missing-secrets-2', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'upstream-key', 'key')] });
    expect(await entries.create(distinct, { dryRun: true })).toMatchObject({ admitted: true });
  });

  it('validates v1alpha1 objects like v1beta1 ones: same denial, and an admitted v1alpha1 entry reads back as v1beta1', async () => {
    const bad = { addPlaintextHeaders: { Host: 'evil.example.com' } };
    const [alpha, beta] = await Promise.all([
      entries.create(entryManifest('versions-bad', bad, 'v1alpha1'), { dryRun: true }),
      entries.create(entryManifest('versions-bad', bad, 'v1beta1'), { dryRun: true }),
    ]);
    expect(alpha).toMatchObject({ admitted: false, status: 403 });
    expect(alpha.admitted ? '' : alpha.message).toBe(beta.admitted ? 'admitted' : beta.message);
    expect(alpha.warnings.join('\n')).toContain('v1alpha1 is deprecated');

    const admitted = await entries.create(
      entryManifest('versions-good', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'upstream-key', 'key')] }, 'v1alpha1'),
    );
    expect(admitted).toMatchObject({ admitted: true, object: { apiVersion: `${TOOLHIVE_GROUP}/v1alpha1` } });
    expect(await entries.get('versions-good', 'v1beta1')).toMatchObject({
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      metadata: { name: 'versions-good' },
    });
  });
});

describe('modes from the namespace label', () => {
  const missing = (name: string) => entryManifest(name, { addHeadersFromSecret: [secretHeader('X-Api-Key', 'not-there', 'key')] });

  it('warn: admits a violating entry and the violations arrive at the client as warnings', async () => {
    const outcome = await entriesApi(cluster.admin, NS.warn).create(missing('warned'));
    expect(outcome.admitted).toBe(true);
    expect(outcome.warnings).toContainEqual(
      expect.stringContaining(
        `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "not-there" not found in namespace "${NS.warn}"`,
      ),
    );
    expect(outcome.warnings.join('\n')).toContain('[would be denied in enforce mode]');
  });

  it('warn: kubectl prints the warnings on stderr', async () => {
    const result = await kubectl(cluster.info, ['apply', '-n', NS.warn, '-f', '-'], { input: stringify(missing('warned-kubectl')) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('mcpserverentry.toolhive.stacklok.dev/warned-kubectl created');
    expect(result.stderr).toMatch(
      /^Warning: spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "not-there" not found/m,
    );
  });

  it('audit: admits a violating entry silently and logs it', async () => {
    const outcome = await entriesApi(cluster.admin, NS.audit).create(missing('audited'));
    expect(outcome).toEqual(expect.objectContaining({ admitted: true, warnings: [] }));
    const log = await webhook.readLog();
    expect(log).toMatch(new RegExp(`MCPServerEntry ${NS.audit}/audited: headerForward violations`));
  });
});

describe('ratcheting on UPDATE', () => {
  it('a label-only update and the finalizer removal still succeed after the Secret is deleted; changing the Secret ref does not', async () => {
    await createSecret(NS.enforce, 'short-lived', { key: SENTINEL });
    const entry = { ...entryManifest('ratchet', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'short-lived', 'key')] }) };
    entry.metadata = { ...entry.metadata, finalizers: ['e2e.mcp-header-forward.dev/hold'] };
    expect(await entries.create(entry)).toMatchObject({ admitted: true });
    // The Secret guard would refuse to delete a Secret an entry still uses; its failurePolicy is Ignore, so the
    // Secret disappears while the webhook is down, the way it can in a real cluster.
    await webhook.stop();
    await core.deleteNamespacedSecret({ namespace: NS.enforce, name: 'short-lived' });
    await webhook.restart();

    const relabelled = await entries.patch('ratchet', { metadata: { labels: { team: 'blue' } } });
    expect(relabelled).toMatchObject({ admitted: true });
    expect(relabelled.warnings).toContainEqual(expect.stringContaining('Secret "short-lived" not found'));
    const repointed = await entries.patch('ratchet', {
      spec: { headerForward: { addHeadersFromSecret: [secretHeader('X-Api-Key', 'never-created', 'key')] } },
    });
    expect(repointed).toMatchObject({ admitted: false, status: 403 });

    await entries.delete('ratchet');
    expect(await entries.get('ratchet')).toMatchObject({ metadata: { finalizers: ['e2e.mcp-header-forward.dev/hold'] } });
    expect(await entries.patch('ratchet', { metadata: { finalizers: null } })).toMatchObject({ admitted: true });
    await expect.poll(() => entries.get('ratchet')).toBeUndefined();
  });
});

describe('when the webhook is down (failurePolicy Fail)', () => {
  it('rejects entries with the API server message, leaves other kinds alone, and recovers on restart', async () => {
    await webhook.stop();
    const good = entryManifest('during-outage', { addHeadersFromSecret: [secretHeader('X-Api-Key', 'upstream-key', 'key')] });
    const rejected = await entries.create(good);
    expect(rejected).toMatchObject({ admitted: false, status: 500 });
    expect(rejected.admitted ? '' : rejected.message).toContain(`failed calling webhook "${VALIDATING_WEBHOOK_NAME}"`);
    expect(await entriesApi(cluster.admin, NS.other).create(entryManifest('during-outage', undefined), { dryRun: true })).toMatchObject({
      admitted: false,
    });

    await core.createNamespacedConfigMap({ namespace: NS.enforce, body: { metadata: { name: 'unaffected' }, data: { a: 'b' } } });
    await core.createNamespacedConfigMap({ namespace: NS.other, body: { metadata: { name: 'unaffected' }, data: { a: 'b' } } });
    const groups = cluster.admin.makeApiClient(CustomObjectsApi);
    await groups.createNamespacedCustomObject({
      group: TOOLHIVE_GROUP,
      version: 'v1beta1',
      namespace: NS.other,
      plural: 'mcpgroups',
      body: { apiVersion: `${TOOLHIVE_GROUP}/v1beta1`, kind: 'MCPGroup', metadata: { name: 'tools' }, spec: {} },
    });

    await webhook.restart();
    expect(await entries.create(good)).toMatchObject({ admitted: true });
  });
});

describe('secret hygiene', () => {
  it('never writes a Secret value to the webhook log', async () => {
    const log = await webhook.readLog();
    expect(log).toContain('admission review');
    expect(log).not.toContain(SENTINEL);
  });
});
