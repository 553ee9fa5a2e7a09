import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, type HeaderForward } from './harness/entries.js';
import { installPolicyReportCrd, policyReportCrdInstalled, removePolicyReportCrd } from './harness/policyReportCrd.js';
import { runCli } from './harness/runCli.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac } from './harness/webhookRegistration.js';

// Issue 20 through the real API server: the background scan's PolicyReports (wgpolicyk8s.io/v1alpha2), written by
// the webhook process under the shipped RBAC. Without the CRD nothing fails; with it (Kyverno's, from the pinned
// Go module) a report per namespace appears with a result per entry and rule, is left alone while nothing
// changes, follows a fix, and goes when its namespace has no entry left. `report -o policyreport` prints the same.

const suffix = randomBytes(3).toString('hex');
const NS = { a: `polr-a-${suffix}`, b: `polr-b-${suffix}` };
const REPORT = 'mcp-header-forward';
const RULES = ['header-name', 'host-binding', 'plaintext-value', 'remote-url', 'secret-ref', 'sibling-env-name'];
/** What the entry with warnings only gets, by rule (the others pass). */
const CARELESS: Record<string, string> = {
  'plaintext-value': 'warn[PlaintextCredential]',
  'remote-url': 'warn[SecretOverHttp]',
};
const log = (line: string): void => void process.stderr.write(`[e2e] ${line}\n`);

interface Result {
  rule: string;
  result: string;
  message: string;
  properties?: Record<string, string>;
  resources: { name: string; uid?: string }[];
}
interface StoredReport {
  metadata: { resourceVersion: string; labels?: Record<string, string> };
  results: Result[];
  summary: Record<string, number>;
}

let cluster: Cluster;
let core: CoreV1Api;
let custom: CustomObjectsApi;
let webhook: WebhookProcess;
let rbac: { remove(): Promise<void> };

const uses = (secret: string): HeaderForward => ({
  addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: secret, key: 'token' } }],
});

async function report(namespace: string): Promise<StoredReport | undefined> {
  try {
    return (await custom.getNamespacedCustomObject({
      group: 'wgpolicyk8s.io',
      version: 'v1alpha2',
      plural: 'policyreports',
      namespace,
      name: REPORT,
    })) as StoredReport;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return undefined;
    throw error;
  }
}

/** `entry/rule=result[reason]` for each result: what a person reads off the report. */
const verdicts = (stored: StoredReport | undefined): string[] =>
  (stored?.results ?? []).map((r) => `${r.resources[0]!.name}/${r.rule}=${r.result}${r.properties ? `[${r.properties['reason']}]` : ''}`);

interface LogLine {
  msg: string;
  namespace?: string;
  created?: string[];
  updated?: string[];
}
const logLines = async (): Promise<LogLine[]> =>
  (await webhook.readLog())
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
const count = async (message: string): Promise<number> => (await logLines()).filter((l) => l.msg.startsWith(message)).length;
/**
 * PolicyReport failures: reading (discovery, list) or any sync, and writes in this file's namespaces (other files'
 * namespaces may be terminating, where nothing can be created).
 */
const reportFailures = async (): Promise<string[]> =>
  (await logLines())
    .filter(
      (l) =>
        l.msg.startsWith('could not read PolicyReports') ||
        l.msg.startsWith('PolicyReport sync failed') ||
        (l.msg.startsWith('could not write PolicyReport') && Object.values(NS).includes(l.namespace ?? '')),
    )
    .map((l) => JSON.stringify(l));

/** Resolves after `passes` more full scans have completed. */
async function scans(passes: number): Promise<void> {
  const target = (await count('background scan done')) + passes;
  await expect.poll(() => count('background scan done'), { timeout: 30_000, interval: 250 }).toBeGreaterThanOrEqual(target);
}

async function metrics(): Promise<string> {
  const response = await fetch(`${webhook.metricsUrl}/metrics`);
  return response.text();
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  custom = cluster.admin.makeApiClient(CustomObjectsApi);
  if (await policyReportCrdInstalled(cluster.admin)) {
    throw new Error(
      'policyreports.wgpolicyk8s.io is installed already: this file installs and removes it itself, run it on a cluster without it',
    );
  }
  for (const name of Object.values(NS)) await core.createNamespace({ body: { metadata: { name } } });
  // No validating webhook is registered here: entries are stored as written, broken ones too (as in audit mode).
  expect(await entriesApi(cluster.admin, NS.a).create(entryManifest('broken', uses('later')))).toMatchObject({ admitted: true });
  await core.createNamespacedSecret({ namespace: NS.a, body: { metadata: { name: 'present' }, stringData: { token: 'v' } } });
  expect(await entriesApi(cluster.admin, NS.a).create(entryManifest('healthy', uses('present'), 'v1alpha1'))).toMatchObject({
    admitted: true,
  });
  // Warnings only (they never deny): a credential-looking plaintext header, a Secret header over plain http.
  const careless = entryManifest('careless', { ...uses('present'), addPlaintextHeaders: { Authorization: 'Bearer x' } });
  careless.spec.remoteUrl = 'http://mcp.example.com/mcp';
  expect(await entriesApi(cluster.admin, NS.a).create(careless)).toMatchObject({ admitted: true });
  expect(await entriesApi(cluster.admin, NS.b).create(entryManifest('hosty', { addPlaintextHeaders: { Host: 'x' } }))).toMatchObject({
    admitted: true,
  });
  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster, { args: ['--scan-interval', '1000'] });
});

afterAll(async () => {
  await webhook?.stop();
  await rbac?.remove();
  // Later files start webhooks of their own: leave a cluster without the CRD (deleting it deletes every report).
  await removePolicyReportCrd(cluster.admin);
  for (const name of Object.values(NS)) await core.deleteNamespace({ name }).catch(() => undefined);
});

describe('PolicyReports from the background scan', () => {
  it('without the CRD: the scan runs, one log line says reports are off, nothing fails', async () => {
    await expect
      .poll(metrics, { timeout: 20_000, interval: 250 })
      .toContain(`mcp_header_forward_entries_invalid{resource_namespace="${NS.a}",reason="HeaderSecretNotFound"} 1`);
    await scans(3);
    expect(await count('PolicyReport CRD not installed')).toBe(1);
    expect(await reportFailures()).toEqual([]);
    expect(webhook.isRunning()).toBe(true);
  });

  it('with the CRD installed: a report per namespace, a result per entry and rule, reason codes on failures and warnings', async () => {
    await installPolicyReportCrd(cluster.admin, log);
    await expect.poll(async () => verdicts(await report(NS.a)), { timeout: 20_000, interval: 250 }).not.toEqual([]);
    const a = (await report(NS.a))!;
    expect(verdicts(a)).toEqual([
      ...RULES.map((rule) => (rule === 'secret-ref' ? 'broken/secret-ref=fail[HeaderSecretNotFound]' : `broken/${rule}=pass`)),
      ...RULES.map((rule) => `careless/${rule}=${CARELESS[rule] ?? 'pass'}`),
      ...RULES.map((rule) => `healthy/${rule}=pass`),
    ]);
    expect(a.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'mcp-header-forward' });
    expect(a.summary).toEqual({ pass: 15, fail: 1, warn: 2, error: 0, skip: 0 });
    const failed = a.results.find((r) => r.result === 'fail')!;
    expect(failed).toMatchObject({ source: 'mcp-header-forward', policy: 'mcpserverentry-header-forward' });
    expect(failed.message).toContain(
      `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "later" not found in namespace "${NS.a}"`,
    );
    // The entry the result is about, by uid: the one stored (healthy was written as v1alpha1, read back converted).
    const stored = (await custom.getNamespacedCustomObject({
      group: 'toolhive.stacklok.dev',
      version: 'v1beta1',
      plural: 'mcpserverentries',
      namespace: NS.a,
      name: 'healthy',
    })) as { metadata: { uid: string } };
    expect(a.results.find((r) => r.resources[0]!.name === 'healthy')!.resources[0]).toEqual({
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServerEntry',
      namespace: NS.a,
      name: 'healthy',
      uid: stored.metadata.uid,
    });
    await expect.poll(async () => verdicts(await report(NS.b)), { timeout: 10_000 }).toContain('hosty/header-name=fail[RestrictedHeader]');
    expect(await count('PolicyReport CRD found')).toBe(1);
    expect(await reportFailures()).toEqual([]);
  });

  it('report -o policyreport prints what the webhook wrote', async () => {
    const printed = await runCli(cluster.info.kubeconfigPath, 'report', ['-n', NS.a, '-o', 'policyreport']);
    expect(printed.code).toBe(1);
    const [document, ...more] = parseAllDocuments(printed.stdout).map((d) => d.toJS() as StoredReport & { metadata: object });
    expect(more).toEqual([]);
    const a = (await report(NS.a))!;
    expect({ results: document!.results, summary: document!.summary }).toEqual({ results: a.results, summary: a.summary });
  });

  it('an unchanged report is not rewritten, scan after scan', async () => {
    // The API server would keep the resourceVersion of an identical PUT too: the webhook's own record of its
    // writes is what shows whether it sent one.
    const writesTo = async (namespace: string): Promise<number> =>
      (await logLines()).filter(
        (l) => l.msg === 'PolicyReports written' && [...(l.created ?? []), ...(l.updated ?? [])].includes(namespace),
      ).length;
    const before = { writes: await writesTo(NS.a), version: (await report(NS.a))!.metadata.resourceVersion };
    expect(before.writes).toBe(1);
    await scans(3);
    expect({ writes: await writesTo(NS.a), version: (await report(NS.a))!.metadata.resourceVersion }).toEqual(before);
  });

  it('fixing the entry (its Secret appears) updates the report at the next scan', async () => {
    await core.createNamespacedSecret({ namespace: NS.a, body: { metadata: { name: 'later' }, stringData: { token: 'v' } } });
    await expect
      .poll(async () => (await report(NS.a))?.summary, { timeout: 20_000, interval: 250 })
      .toEqual({
        pass: 16,
        fail: 0,
        warn: 2,
        error: 0,
        skip: 0,
      });
    expect(verdicts(await report(NS.a))).toContain('broken/secret-ref=pass');
  });

  it("deleting a namespace's last entry deletes its report; other namespaces keep theirs", async () => {
    await entriesApi(cluster.admin, NS.b).delete('hosty');
    await expect.poll(() => report(NS.b), { timeout: 20_000, interval: 250 }).toBeUndefined();
    expect(verdicts(await report(NS.a))).toHaveLength(18);
    await entriesApi(cluster.admin, NS.a).delete('broken');
    await entriesApi(cluster.admin, NS.a).delete('careless');
    await expect
      .poll(async () => verdicts(await report(NS.a)), { timeout: 20_000, interval: 250 })
      .toEqual(RULES.map((rule) => `healthy/${rule}=pass`));
  });

  it('the CRD removed under a running webhook: it says so once more and keeps scanning', async () => {
    await removePolicyReportCrd(cluster.admin);
    await expect.poll(() => count('PolicyReport CRD not installed'), { timeout: 20_000, interval: 250 }).toBe(2);
    await scans(2);
    expect(await count('PolicyReport CRD not installed')).toBe(2);
    expect(await reportFailures()).toEqual([]);
    expect(webhook.isRunning()).toBe(true);
  });
});
