import { AdmissionregistrationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { createCa } from '../../certs/x509.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import {
  DEFAULT_CONFIGURATION_NAME,
  MUTATING_WEBHOOK_NAME,
  SECRET_GUARD_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
} from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';
import { EXISTING_CLUSTER_ENV, existingClusterRequested } from './kind/existingCluster.js';
import { entriesApi, entryManifest } from './harness/entries.js';
import { installWithLocalWebhook, OPERATOR_NAMESPACE, untilTheInjectorAnswers, type LocalInstall } from './harness/localInstall.js';
import { runCli, type CliRun } from './harness/runCli.js';

// `mcp-header-forward check`, the built CLI against the real API server: (a) nothing installed, (b) the install
// with the webhook serving (every check passes), (c) a caBundle that does not trust the serving certificate;
// and `--pre`, for an admin and for a user who may do nothing.

const info = inject('controlPlane');
let cluster: Cluster;

interface JsonCheck {
  id: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

const check = (...args: string[]): Promise<CliRun> => runCli(info.kubeconfigPath, 'check', args);

function checksOf(run: CliRun): Map<string, JsonCheck> {
  const parsed = JSON.parse(run.stdout) as { checks: JsonCheck[] };
  return new Map(parsed.checks.map((c) => [c.id, c]));
}

/** The text line of a check, and the fix line under it when there is one. */
function lineOf(run: CliRun, titleStart: string): { line: string; fix: string | undefined } {
  const lines = run.stdout.split('\n');
  const at = lines.findIndex((line) => line.slice(2).startsWith(titleStart));
  if (at < 0) throw new Error(`no line for "${titleStart}" in:\n${run.stdout}`);
  const next = lines[at + 1] ?? '';
  return { line: lines[at]!, fix: next.startsWith('    fix: ') ? next.slice('    fix: '.length) : undefined };
}

beforeAll(() => {
  // On kind (test/e2e/kind/run.sh) the manifests' install is there already, under the names this file creates and
  // deletes: refuse rather than replace it. Its "nothing installed" case needs a cluster without it anyway.
  if (existingClusterRequested()) {
    throw new Error(
      `check.e2e.test.ts runs on the loopback control plane only; unset ${EXISTING_CLUSTER_ENV.kubeconfig} (it would replace the kind install)`,
    );
  }
  cluster = connect(info);
});

describe('check with nothing installed', () => {
  it('fails, exit 1, and says for each missing part what to do', async () => {
    const run = await check();
    expect(run.code, run.stderr).toBe(1);
    expect(lineOf(run, 'API server reachable').line).toMatch(new RegExp(`^✓ API server reachable: ${info.server}.* answers: Kubernetes v`));
    expect(lineOf(run, 'CRD mcpserverentries.toolhive.stacklok.dev').line).toMatch(/^✓ .*served: v1alpha1, v1beta1/);
    const deployment = lineOf(run, 'Webhook Deployment mcp-header-forward/mcp-header-forward');
    expect(deployment.line).toMatch(/^✗ .*: not found$/);
    expect(deployment.fix).toContain('kubectl apply -k manifests/overlays/self-signed');
    const secret = lineOf(run, 'Serving certificate (Secret mcp-header-forward/mcp-header-forward-tls)');
    expect(secret.line).toMatch(/^✗ .*not found/);
    expect(secret.fix).toContain('--from=cronjob/mcp-header-forward-certs');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const configuration = lineOf(run, `${kind} mcp-header-forward`);
      expect(configuration.line).toMatch(/^✗ .*not found: nothing sends admission requests to the webhook/);
      expect(configuration.fix).toContain('kubectl apply -k');
    }
    const probe = lineOf(run, 'Dry-run MCPServerEntry default/mcp-header-forward-check-');
    expect(probe.line).toMatch(/^✗ .*admitted: the webhook did not review it/);
    expect(probe.fix).toContain(`webhook ${VALIDATING_WEBHOOK_NAME}`);
    const rbac = lineOf(run, 'Webhook RBAC (system:serviceaccount:mcp-header-forward:mcp-header-forward)');
    expect(rbac.line).toMatch(/^✗ .*: 18 of 18 missing: get secrets; list mcpserverentries\.toolhive\.stacklok\.dev; /);
    expect(rbac.fix).toContain('manifests/base/rbac.yaml');
    const injection = lineOf(run, 'Dry-run vMCP pod default/mcp-header-forward-check-');
    expect(injection.line).toMatch(/^✗ .*admitted without our annotation: the API server did not call the injector$/);
    expect(injection.fix).toContain(`webhook ${MUTATING_WEBHOOK_NAME} for pods`);
    expect(lineOf(run, 'Dry-run DELETE of a forwarded Secret').line).toMatch(
      /^- .*not run: no MCPServerEntry in namespace default forwards a header from a Secret/,
    );
    expect(lineOf(run, 'ToolHive operator').line).toMatch(/^! .*no Deployment labelled app\.kubernetes\.io\/name=toolhive-operator/);
    expect(run.stdout).toMatch(/\nFAIL: 4 passed, 1 warning, 7 failed, 1 not run\n$/);
  });

  it('says which address it could not reach and why, never "fetch failed"', async () => {
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { freeLoopbackPort } = await import('./harness/ports.js');
    const port = await freeLoopbackPort();
    const path = join(info.workDir, 'check-closed.kubeconfig');
    const server = `https://127.0.0.1:${port}`;
    await writeFile(
      path,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: closed, context: {cluster: c, user: u}}]\ncurrent-context: closed\n`,
    );
    const run = await runCli(path, 'check', ['-o', 'json']);
    expect(run.code).toBe(1);
    const api = checksOf(run).get('api-server')!;
    expect(api).toMatchObject({
      status: 'fail',
      detail: `${server} (context closed): connection refused: nothing listens at that address and port (connect ECONNREFUSED 127.0.0.1:${port})`,
    });
    expect(api.fix).toContain('is the cluster running?');
    expect(run.stdout).not.toContain('fetch failed');
    expect(checksOf(run).get('not-run')).toMatchObject({ status: 'skip' });
  });
});

describe('check --pre', () => {
  it('passes for a cluster admin: API server, version, CRDs and every permission to install', async () => {
    const run = await check('--pre', '-o', 'json');
    expect(run.code, run.stdout).toBe(0);
    const checks = checksOf(run);
    expect([...checks.keys()]).toEqual([
      'api-server',
      'kubernetes-version',
      'crd/mcpserverentries',
      'crd/virtualmcpservers',
      'install-permissions',
    ]);
    expect([...checks.values()].every((c) => c.status === 'pass')).toBe(true);
    expect(checks.get('install-permissions')!.detail).toContain('you hold every permission the webhook is granted');
  });

  it("--overlay cert-manager: fails without cert-manager's CRDs, saying to install it or use the self-signed source", async () => {
    const run = await check('--pre', '--overlay', 'cert-manager', '-o', 'json');
    expect(run.code, run.stdout).toBe(1);
    const checks = checksOf(run);
    expect([...checks.keys()].slice(-2)).toEqual(['install-permissions', 'cert-manager']);
    expect(checks.get('install-permissions')!.status).toBe('pass');
    expect(checks.get('cert-manager')).toMatchObject({
      status: 'fail',
      detail: 'certificates.cert-manager.io not found; issuers.cert-manager.io not found',
      fix: expect.stringContaining('install cert-manager >= 1.0 first'),
    });
  });

  it('fails for a user who may not install, naming what is missing', async () => {
    const kubeconfig = await cluster.userKubeconfigYaml('check-e2e-nobody');
    const { writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const path = join(info.workDir, 'check-nobody.kubeconfig');
    await writeFile(path, kubeconfig, { mode: 0o600 });
    const run = await runCli(path, 'check', ['--pre']);
    expect(run.code).toBe(1);
    expect(lineOf(run, 'API server reachable').line).toContain('as check-e2e-nobody');
    const permissions = lineOf(run, 'Your permissions to install');
    expect(permissions.line).toMatch(
      /^✗ .*may not get namespaces; create namespaces; patch namespaces; .*create deployments.apps in namespace mcp-header-forward/,
    );
    expect(permissions.fix).toContain('cluster admin');
  });
});

describe('check against an install', () => {
  let install: LocalInstall;
  /** A namespace with an entry forwarding from a Secret: what the Secret guard's probe needs. */
  const PROBE_NAMESPACE = 'check-e2e-probe';
  const inProbeNamespace = (...args: string[]): Promise<CliRun> => check('--probe-namespace', PROBE_NAMESPACE, ...args);

  beforeAll(async () => {
    install = await installWithLocalWebhook(cluster);
    const core = cluster.admin.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: PROBE_NAMESPACE } } });
    await core.createNamespacedSecret({
      namespace: PROBE_NAMESPACE,
      body: { metadata: { name: 'upstream-token' }, stringData: { token: 'v' } },
    });
    const entry = entryManifest('upstream', {
      addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'upstream-token', key: 'token' } }],
    });
    expect(await entriesApi(cluster.admin, PROBE_NAMESPACE).create(entry)).toMatchObject({ admitted: true });
    await untilTheGuardKnowsTheEntry();
  });

  afterAll(async () => {
    await cluster.admin
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: PROBE_NAMESPACE })
      .catch(() => undefined);
    await install?.remove();
  });

  /** The guard learns of entries from its informer: dry-run DELETEs until it refuses, as check's probe expects. */
  async function untilTheGuardKnowsTheEntry(): Promise<void> {
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const refused = await core.deleteNamespacedSecret({ namespace: PROBE_NAMESPACE, name: 'upstream-token', dryRun: 'All' }).then(
        () => false,
        (error: { body?: unknown }) => String(error.body).includes(SECRET_GUARD_WEBHOOK_NAME),
      );
      if (refused) return;
      await sleep(200);
    }
    throw new Error('the Secret guard still admitted the DELETE of a forwarded Secret 30s after the entry was created');
  }

  it('passes every check, exit 0 (text)', async () => {
    const run = await inProbeNamespace();
    expect(run.code, run.stdout).toBe(0);
    const marks = run.stdout
      .split('\n')
      .filter((line) => /^[✓!✗-] /.test(line))
      .map((line) => line[0]);
    expect(marks.length).toBe(13);
    expect(
      marks.every((mark) => mark === '✓'),
      run.stdout,
    ).toBe(true);
    expect(lineOf(run, 'Webhook Deployment').line).toContain('2/2 available');
    expect(lineOf(run, 'Serving certificate').line).toMatch(
      /names mcp-header-forward\.mcp-header-forward\.svc, issued by CN=mcp-header-forward\.mcp-header-forward webhook CA, valid until .* \(8\d days\)/,
    );
    expect(lineOf(run, 'ValidatingWebhookConfiguration').line).toContain(`2 webhooks → URL ${install.webhook.url}/validate`);
    expect(lineOf(run, 'Dry-run MCPServerEntry').line).toContain(`denied by ${VALIDATING_WEBHOOK_NAME}`);
    expect(lineOf(run, `Dry-run vMCP pod ${PROBE_NAMESPACE}/`).line).toContain(`${MUTATING_WEBHOOK_NAME} patched it`);
    expect(lineOf(run, `Dry-run DELETE of Secret ${PROBE_NAMESPACE}/upstream-token (used by upstream)`).line).toContain(
      `denied by ${SECRET_GUARD_WEBHOOK_NAME} in its own words`,
    );
    expect(lineOf(run, 'Webhook RBAC').line).toContain('all 18 permissions granted (ServiceAccount from the Deployment)');
    expect(lineOf(run, 'ToolHive operator').line).toContain(
      `v0.44.0 at ${OPERATOR_NAMESPACE}/toolhive-operator: forwards headerForward itself`,
    );
    expect(run.stdout).toMatch(/\nOK: 13 passed, 0 warnings, 0 failed\n$/);
  });

  it('prints the same as JSON and YAML, and never the serving key (read with the Secret)', async () => {
    const [json, yaml] = await Promise.all([inProbeNamespace('-o', 'json'), inProbeNamespace('-o', 'yaml')]);
    expect([json.code, yaml.code]).toEqual([0, 0]);
    const fromJson = JSON.parse(json.stdout) as { ok: boolean; checks: JsonCheck[] };
    const fromYaml = parse(yaml.stdout) as { ok: boolean; checks: JsonCheck[] };
    expect(fromJson.ok).toBe(true);
    expect(fromYaml.checks.map((c) => [c.id, c.status])).toEqual(fromJson.checks.map((c) => [c.id, c.status]));
    const keyBody = install.keyPem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    for (const output of [json.stdout, json.stderr, yaml.stdout, yaml.stderr]) {
      expect(output).not.toContain('PRIVATE KEY');
      for (const line of keyBody) expect(output).not.toContain(line);
      expect(output).not.toContain(Buffer.from(install.keyPem).toString('base64').slice(0, 40));
    }
  });

  it('a caBundle that does not trust the serving certificate: ✗ on both configurations and the probes, with fixes', async () => {
    const stranger = await createCa({ commonName: 'mcp-header-forward.mcp-header-forward webhook CA', validForMs: 86_400_000 });
    const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const wrong = Buffer.from(stranger.certPem).toString('base64');
    const patch = (count: number): object[] =>
      Array.from({ length: count }, (_, i) => ({ op: 'replace', path: `/webhooks/${i}/clientConfig/caBundle`, value: wrong }));
    const options = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
    await admission.patchValidatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME, body: patch(2) }, options);
    await admission.patchMutatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME, body: patch(1) }, options);
    await untilTheApiServerDistrustsTheWebhook();
    await untilTheInjectorAnswers(cluster.admin, /x509/);

    const run = await inProbeNamespace();
    expect(run.code, run.stdout).toBe(1);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const configuration = lineOf(run, `${kind} mcp-header-forward`);
      expect(configuration.line).toMatch(/^✗ .*caBundle does not trust the serving certificate: no certificate in caBundle signed it/);
      expect(configuration.fix).toContain('create job mcp-header-forward-certs-now --from=cronjob/mcp-header-forward-certs');
      expect(configuration.fix).toContain('cert-manager.io/inject-ca-from: mcp-header-forward/mcp-header-forward-serving');
    }
    const probe = lineOf(run, 'Dry-run MCPServerEntry');
    expect(probe.line).toMatch(/^✗ .*the API server could not call the webhook: .*x509/);
    expect(probe.fix).toContain('the caBundle does not trust the certificate the webhook pods serve');
    const injection = lineOf(run, 'Dry-run vMCP pod');
    expect(injection.line).toMatch(/^✗ .*the API server could not call the injector: .*x509/);
    expect(injection.fix).toContain('the caBundle does not trust the certificate the webhook pods serve');
    // failurePolicy Ignore: the guard's failed call leaves no trace but the silent admission.
    expect(lineOf(run, 'Dry-run DELETE of Secret').line).toMatch(/^✗ .*admitted silently: the API server did not reach the guard/);
    expect(lineOf(run, 'Serving certificate').line).toMatch(/^✓ /);
    expect(run.stdout).toMatch(/\nFAIL: 8 passed, 0 warnings, 5 failed\n$/);
  });
});

/** Dry-run creates until the API server refuses to trust the webhook: its configuration cache lags a patch. */
async function untilTheApiServerDistrustsTheWebhook(): Promise<void> {
  const custom = cluster.admin.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const message = await custom
      .createNamespacedCustomObject({
        group: TOOLHIVE_GROUP,
        version: 'v1beta1',
        namespace: 'default',
        plural: ENTRY_PLURAL,
        dryRun: 'All',
        body: {
          apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
          kind: 'MCPServerEntry',
          metadata: { name: 'check-e2e-ca-probe' },
          spec: { remoteUrl: 'https://mcp.example.com/mcp', transport: 'streamable-http', groupRef: { name: 'g' } },
        },
      })
      .then(
        () => '',
        (error: { body?: string }) => error.body ?? '',
      );
    if (message.includes('x509')) return;
    await sleep(200);
  }
  throw new Error('the API server still trusted the webhook 30s after its caBundle was replaced');
}
