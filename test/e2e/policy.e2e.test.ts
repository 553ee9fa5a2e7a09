import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MODE_LABEL } from '../../contract/labels.js';
import { SECRET_GUARD_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, parseWarningHeader } from './harness/entries.js';
import { runCli, type CliRun } from './harness/runCli.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// Issue 9 through the real API server: the Secret-deletion guard (enforce, warn, namespace deletion), the
// `report` CLI over an entry admitted in audit mode, and the webhook's background scan (Events + metric).

const suffix = randomBytes(3).toString('hex');
const NS = { enforce: `guard-${suffix}`, warn: `guard-warn-${suffix}`, audit: `guard-audit-${suffix}`, doomed: `guard-doomed-${suffix}` };
const DENIED_BY_GUARD = `admission webhook "${SECRET_GUARD_WEBHOOK_NAME}" denied the request`;

let cluster: Cluster;
let core: CoreV1Api;
let webhook: WebhookProcess;
let registration: Registration;
let rbac: { remove(): Promise<void> };

const uses = (secret: string, key = 'token') => ({
  addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: secret, key } }],
});

async function createSecret(namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await core.createNamespacedSecret({ namespace, body: { metadata: { name }, stringData: data } });
}

type Attempt = { ok: true; warnings: string[] } | { ok: false; status: number; message: string };

async function attempt(call: Promise<{ headers: Record<string, string> }>): Promise<Attempt> {
  try {
    const response = await call;
    return { ok: true, warnings: parseWarningHeader(response.headers.warning) };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body = (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as { message?: string };
    return { ok: false, status: error.code, message: body.message ?? '' };
  }
}

const deleteSecret = (namespace: string, name: string, dryRun = false): Promise<Attempt> =>
  attempt(core.deleteNamespacedSecretWithHttpInfo({ namespace, name, ...(dryRun ? { dryRun: 'All' } : {}) }));

const runReport = (args: string[]): Promise<CliRun> => runCli(cluster.info.kubeconfigPath, 'report', args);

async function metrics(): Promise<string> {
  const response = await fetch(`${webhook.metricsUrl}/metrics`);
  return response.text();
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: NS.enforce } } });
  await core.createNamespace({ body: { metadata: { name: NS.warn, labels: { [MODE_LABEL]: 'warn' } } } });
  await core.createNamespace({ body: { metadata: { name: NS.audit, labels: { [MODE_LABEL]: 'audit' } } } });
  await core.createNamespace({ body: { metadata: { name: NS.doomed } } });
  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster, { args: ['--scan-interval', '2000'] });
  registration = await registerValidatingWebhook(cluster.admin, webhook, { probeNamespace: NS.enforce });
});

afterAll(async () => {
  await registration?.remove();
  await webhook?.stop();
  await rbac?.remove();
});

describe('Secret-deletion guard', () => {
  it('enforce: refuses to delete a Secret an entry forwards, naming the entry; allowed once the entry is gone', async () => {
    await createSecret(NS.enforce, 'github-token', { token: 'v' });
    expect(await entriesApi(cluster.admin, NS.enforce).create(entryManifest('github', uses('github-token')))).toMatchObject({
      admitted: true,
    });
    // The guard answers from the entry informer's index: wait for the watch event, not a fixed sleep.
    await expect.poll(async () => (await deleteSecret(NS.enforce, 'github-token', true)).ok, { timeout: 10_000 }).toBe(false);

    const refused = await deleteSecret(NS.enforce, 'github-token');
    expect(refused).toMatchObject({ ok: false, status: 403 });
    expect(refused.ok ? '' : refused.message).toContain(DENIED_BY_GUARD);
    expect(refused.ok ? '' : refused.message).toContain(
      `deleting Secret "github-token" in namespace "${NS.enforce}" would break 1 MCPServerEntry that forward headers from it: github (key "token")`,
    );
    expect(await core.readNamespacedSecret({ namespace: NS.enforce, name: 'github-token' })).toMatchObject({
      metadata: { name: 'github-token' },
    });

    await entriesApi(cluster.admin, NS.enforce).delete('github');
    await expect.poll(async () => (await deleteSecret(NS.enforce, 'github-token')).ok, { timeout: 10_000 }).toBe(true);
  });

  it('enforce: refuses an update that drops the key an entry uses, allows one that changes values or drops another key', async () => {
    await createSecret(NS.enforce, 'jira', { token: 'v', spare: 'x' });
    expect(await entriesApi(cluster.admin, NS.enforce).create(entryManifest('jira', uses('jira')))).toMatchObject({ admitted: true });
    const replace = async (data: Record<string, string>): Promise<Attempt> => {
      const current = await core.readNamespacedSecret({ namespace: NS.enforce, name: 'jira' });
      const body: V1Secret = {
        metadata: { name: 'jira', resourceVersion: current.metadata?.resourceVersion },
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      };
      return attempt(core.replaceNamespacedSecretWithHttpInfo({ namespace: NS.enforce, name: 'jira', body }));
    };
    await expect.poll(async () => (await replace({ spare: 'x' })).ok, { timeout: 10_000 }).toBe(false);
    const refused = await replace({ spare: 'x' });
    expect(refused.ok ? '' : refused.message).toContain('removes a key that 1 MCPServerEntry forward headers from: jira (key "token")');
    expect(await replace({ token: 'rotated', spare: 'x' })).toMatchObject({ ok: true });
    expect(await replace({ token: 'rotated' })).toMatchObject({ ok: true });
  });

  it('enforce: deletecollection (kubectl delete secrets --all) is guarded too', async () => {
    await createSecret(NS.enforce, 'bulk', { token: 'v' });
    expect(await entriesApi(cluster.admin, NS.enforce).create(entryManifest('bulk', uses('bulk')))).toMatchObject({ admitted: true });
    await expect.poll(async () => (await deleteSecret(NS.enforce, 'bulk', true)).ok, { timeout: 10_000 }).toBe(false);
    const refused = await attempt(core.deleteCollectionNamespacedSecretWithHttpInfo({ namespace: NS.enforce }));
    expect(refused.ok ? '' : refused.message).toContain('bulk (key "token")');
    expect(await core.readNamespacedSecret({ namespace: NS.enforce, name: 'bulk' })).toMatchObject({ metadata: { name: 'bulk' } });
  });

  it('warn: deletes the Secret and tells the client which entries break', async () => {
    await createSecret(NS.warn, 'shared', { token: 'v' });
    expect(await entriesApi(cluster.admin, NS.warn).create(entryManifest('linear', uses('shared')))).toMatchObject({ admitted: true });
    await expect
      .poll(async () => await deleteSecret(NS.warn, 'shared', true), { timeout: 10_000 })
      .toMatchObject({ warnings: [expect.stringContaining('linear (key "token")')] });
    const deleted = await deleteSecret(NS.warn, 'shared');
    expect(deleted).toMatchObject({ ok: true, warnings: [expect.stringContaining('[would be denied in enforce mode]')] });
  });

  it('never blocks deleting a namespace whose entries still use its Secrets', async () => {
    await createSecret(NS.doomed, 'creds', { token: 'v' });
    expect(await entriesApi(cluster.admin, NS.doomed).create(entryManifest('doomed', uses('creds')))).toMatchObject({ admitted: true });
    await expect.poll(async () => (await deleteSecret(NS.doomed, 'creds', true)).ok, { timeout: 10_000 }).toBe(false);

    const deniedInDoomed = async (): Promise<number> =>
      (await webhook.readLog())
        .split('\n')
        .filter((line) => line.includes(`"namespace":"${NS.doomed}"`) && line.includes('"outcome":"denied"')).length;
    const deniedBefore = await deniedInDoomed();

    await core.deleteNamespace({ name: NS.doomed });
    await expect
      .poll(
        async () =>
          core.readNamespace({ name: NS.doomed }).then(
            () => 'present',
            (error: unknown) => (error instanceof ApiException && error.code === 404 ? 'gone' : 'error'),
          ),
        { timeout: 90_000, interval: 1_000 },
      )
      .toBe('gone');
    // The namespace controller removes entries and Secrets in no fixed order: when the Secret goes first the guard
    // steps aside (namespace-terminating), when the entry goes first nothing references it. Either way: no denial.
    expect(await deniedInDoomed()).toBe(deniedBefore);
  });
});

describe('report and background scan over an entry admitted in audit mode', () => {
  it('report lists it as failing (exit 1) with the webhook field path, in JSON', async () => {
    expect(await entriesApi(cluster.admin, NS.audit).create(entryManifest('broken', uses('never-created')))).toMatchObject({
      admitted: true,
    });
    await createSecret(NS.audit, 'fine', { token: 'v' });
    expect(await entriesApi(cluster.admin, NS.audit).create(entryManifest('healthy', uses('fine'), 'v1alpha1'))).toMatchObject({
      admitted: true,
    });

    const result = await runReport(['-n', NS.audit, '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      summary: { total: 2, passed: 1, failed: 1, errors: 0 },
      items: [
        {
          kind: 'MCPServerEntry',
          apiVersion: 'toolhive.stacklok.dev/v1beta1',
          namespace: NS.audit,
          name: 'broken',
          status: 'fail',
          findings: [
            {
              reason: 'HeaderSecretNotFound',
              field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name',
              message: `Secret "never-created" not found in namespace "${NS.audit}"`,
            },
          ],
          warnings: [],
          warningFindings: [],
        },
        // Written as v1alpha1, read back converted.
        {
          kind: 'MCPServerEntry',
          apiVersion: 'toolhive.stacklok.dev/v1beta1',
          namespace: NS.audit,
          name: 'healthy',
          status: 'pass',
          findings: [],
          warnings: [],
          warningFindings: [],
        },
      ],
    });
  });

  it('report: text output with the fix, -A covers every namespace, and -A with -n is a usage error (exit 2)', async () => {
    const text = await runReport(['-n', NS.audit]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`MCPServerEntry ${NS.audit}/broken: FAIL (1 problem)`);
    expect(text.stdout).toContain(`kubectl create secret generic never-created -n ${NS.audit}`);
    const all = await runReport(['-A', '-o', 'json']);
    expect((JSON.parse(all.stdout) as { items: { namespace: string; name: string }[] }).items).toContainEqual(
      expect.objectContaining({ namespace: NS.audit, name: 'broken' }),
    );
    expect(await runReport(['-A', '-n', NS.audit])).toMatchObject({ code: 2, stderr: expect.stringContaining('exclude each other') });
  });

  it('the webhook records a Warning Event on the broken entry, with the ToolHive reason', async () => {
    const events = async () =>
      (await core.listNamespacedEvent({ namespace: NS.audit, fieldSelector: 'involvedObject.name=broken' })).items.map((e) => ({
        type: e.type,
        reason: e.reason,
        message: e.message,
        kind: e.involvedObject.kind,
      }));
    await expect.poll(events, { timeout: 20_000, interval: 500 }).toContainEqual({
      type: 'Warning',
      reason: 'HeaderSecretNotFound',
      message: `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "never-created" not found in namespace "${NS.audit}"`,
      kind: 'MCPServerEntry',
    });
    // Several scan intervals later there is still one Event for it (emitted on change, not per interval).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect((await events()).filter((e) => e.reason === 'HeaderSecretNotFound')).toHaveLength(1);
  });

  it('exports the broken entry and the guard reviews as metrics', async () => {
    await expect
      .poll(metrics, { timeout: 20_000, interval: 500 })
      .toContain(`mcp_header_forward_entries_invalid{resource_namespace="${NS.audit}",reason="HeaderSecretNotFound"} 1`);
    const text = await metrics();
    expect(text).toMatch(
      /mcp_header_forward_admission_reviews_total\{route="validate-secrets",operation="DELETE",outcome="denied",mode="enforce"\} [1-9]/,
    );
    expect(text).toMatch(
      /mcp_header_forward_admission_review_duration_seconds_count\{route="validate-secrets",operation="DELETE",allowed="false",mode="enforce"\} [1-9]/,
    );
    expect(text).toContain('mcp_header_forward_background_scan_last_completed_timestamp_seconds');
  });

  it('audit: a Secret deleted under a working entry is only counted by the guard, and the next scan tick reports the entry', async () => {
    expect(await deleteSecret(NS.audit, 'fine')).toMatchObject({ ok: true, warnings: [] });
    expect(await metrics()).toMatch(/mcp_header_forward_secret_guard_total\{mode="audit",outcome="audited"\} 1/);
    // No Secret watch: the timer (--scan-interval 2000 here) finds it.
    await expect
      .poll(metrics, { timeout: 20_000, interval: 500 })
      .toContain(`mcp_header_forward_entries_invalid{resource_namespace="${NS.audit}",reason="HeaderSecretNotFound"} 2`);
    const reasons = async () =>
      (await core.listNamespacedEvent({ namespace: NS.audit, fieldSelector: 'involvedObject.name=healthy' })).items.map((e) => e.reason);
    await expect.poll(reasons, { timeout: 10_000, interval: 500 }).toContain('HeaderSecretNotFound');
    // Only this file's namespace: the scan also sees other files' entries, whose namespaces may be terminating.
    const failedEvents = (await webhook.readLog())
      .split('\n')
      .filter((line) => line.includes('could not record Event') && line.includes(NS.audit));
    expect(failedEvents).toEqual([]);
  });
});
