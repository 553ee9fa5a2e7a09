import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROUTES_ENV_VAR, secretEnvVarName } from '../../contract/envNames.js';
import {
  ALLOWED_HOSTS_ANNOTATION,
  SIDECAR_CONTAINER_NAME,
  VMCP_CONTAINER_NAME,
  VMCP_INSTANCE_LABEL,
  VMCP_NAME_LABEL,
  VMCP_NAME_VALUE,
} from '../../contract/labels.js';
import { routeConfigSchema, serializeRouteConfig } from '../../contract/routes.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../contract/toolhive.js';
import { mutatingWebhookConfiguration, VALIDATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, type AdmissionOutcome, type EntryManifest } from './harness/entries.js';
import { CLI_ENTRY } from './harness/paths.js';
import { freeLoopbackPort } from './harness/ports.js';
import { startProcess } from './harness/processes.js';
import { waitForHttpOk } from './harness/readiness.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// Issue 10 through the real API server (RBAC authorizer on): who may forward a Secret, and where to.
// Restricted users authenticate with client certificates the cluster's client CA signed; the GitOps controller is
// a real ServiceAccount with a TokenRequest token. The webhook runs as the manifests' ServiceAccount with the
// shipped RBAC (manifests/base/rbac.yaml), so its SubjectAccessReviews use exactly the permission an install has.

const SENTINEL = `sentinel-${randomBytes(8).toString('hex')}`;
const NS = `authz-${randomBytes(3).toString('hex')}`;
const DENIED_BY_US = `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request`;
const SA = 'argocd-application-controller';

let cluster: Cluster;
let core: CoreV1Api;
let webhook: WebhookProcess;
let registration: Registration;
let rbac: { remove(): Promise<void> };
let admin: ReturnType<typeof entriesApi>;
let mallory: ReturnType<typeof entriesApi>;
let alice: ReturnType<typeof entriesApi>;
let argocd: ReturnType<typeof entriesApi>;

const mayNotRead = (user: string, secret: string): string =>
  `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: user "${user}" may not read Secret "${secret}"; only users who can read a Secret may forward it`;

function forwarding(name: string, secret: string, remoteUrl = 'https://mcp.example.com/mcp'): EntryManifest {
  const entry = entryManifest(name, {
    addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: secret, key: 'token' } }],
  });
  return { ...entry, spec: { ...entry.spec, remoteUrl } };
}

const messageOf = (outcome: AdmissionOutcome): string => (outcome.admitted ? 'admitted' : outcome.message);

async function grant(
  rbacApi: RbacAuthorizationV1Api,
  role: string,
  subject: { kind: 'User' | 'ServiceAccount'; name: string },
): Promise<void> {
  await rbacApi.createNamespacedRoleBinding({
    namespace: NS,
    body: {
      metadata: { name: `${role}-${subject.name}`.replace(/[^a-z0-9-]/g, '-') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
      subjects: [
        subject.kind === 'User'
          ? { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: subject.name }
          : { kind: 'ServiceAccount', name: subject.name, namespace: NS },
      ],
    },
  });
}

/** A KubeConfig with a real ServiceAccount token (TokenRequest), as a controller in a pod would have. */
async function serviceAccountKubeConfig(name: string): Promise<KubeConfig> {
  const token = await core.createNamespacedServiceAccountToken({ name, namespace: NS, body: { spec: { expirationSeconds: 3600 } } });
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      { name: 'e2e', server: cluster.info.server, caData: Buffer.from(cluster.info.serverCaPem).toString('base64'), skipTLSVerify: false },
    ],
    users: [{ name, token: token.status!.token }],
    contexts: [{ name: 'e2e', cluster: 'e2e', user: name }],
    currentContext: 'e2e',
  });
  return config;
}

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  core = cluster.admin.makeApiClient(CoreV1Api);
  const rbacApi = cluster.admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'team-token' }, stringData: { token: SENTINEL } } });
  await core.createNamespacedSecret({
    namespace: NS,
    body: {
      metadata: { name: 'bound-token', annotations: { [ALLOWED_HOSTS_ANNOTATION]: 'api.example.com, *.example.org' } },
      stringData: { token: SENTINEL },
    },
  });
  // Entry authors: may write entries, nothing else. Readers additionally may get two named Secrets.
  await rbacApi.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'entry-author' },
      rules: [{ apiGroups: [TOOLHIVE_GROUP], resources: [ENTRY_PLURAL], verbs: ['create', 'get', 'update', 'patch'] }],
    },
  });
  await rbacApi.createNamespacedRole({
    namespace: NS,
    body: {
      metadata: { name: 'secret-reader' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['team-token', 'bound-token', 'arrives-later'] }],
    },
  });
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: SA } } });
  for (const subject of [
    { kind: 'User', name: 'mallory' },
    { kind: 'User', name: 'alice' },
    { kind: 'ServiceAccount', name: SA },
  ] as const) {
    await grant(rbacApi, 'entry-author', subject);
  }
  await grant(rbacApi, 'secret-reader', { kind: 'User', name: 'alice' });
  await grant(rbacApi, 'secret-reader', { kind: 'ServiceAccount', name: SA });

  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster);
  registration = await registerValidatingWebhook(cluster.admin, webhook, { name: `mcp-header-forward-authz-${NS}`, probeNamespace: NS });
  admin = entriesApi(cluster.admin, NS);
  mallory = entriesApi(await cluster.userKubeConfig('mallory', ['authz-e2e-authors']), NS);
  alice = entriesApi(await cluster.userKubeConfig('alice', ['authz-e2e-authors']), NS);
  argocd = entriesApi(await serviceAccountKubeConfig(SA), NS);
});

afterAll(async () => {
  await registration?.remove();
  await webhook?.stop();
  await rbac?.remove();
  await core?.deleteNamespace({ name: NS }).catch(() => undefined);
});

describe('who may reference a Secret (SubjectAccessReview)', () => {
  it('denies an author who may not read the Secret, with one message whether or not the Secret exists', async () => {
    const existing = await mallory.create(forwarding('steal', 'team-token'), { dryRun: true });
    const missing = await mallory.create(forwarding('steal', 'no-such-token'), { dryRun: true });
    expect(existing).toMatchObject({ admitted: false, status: 403 });
    expect(missing).toMatchObject({ admitted: false, status: 403 });
    expect(messageOf(existing)).toContain(DENIED_BY_US);
    expect(messageOf(existing)).toContain(mayNotRead('mallory', 'team-token'));
    expect(messageOf(missing)).toContain(mayNotRead('mallory', 'no-such-token'));
    // Same text but for the name: nothing tells "exists" from "does not exist".
    expect(messageOf(missing).replaceAll('no-such-token', 'team-token')).toBe(messageOf(existing));
    expect(missing.warnings).toEqual(existing.warnings);
    expect(messageOf(missing)).not.toMatch(/not found/);
  });

  it('admits an author who may read the Secret', async () => {
    expect(await alice.create(forwarding('alice-entry', 'team-token'))).toMatchObject({ admitted: true });
  });

  it('admits a GitOps ServiceAccount that a RoleBinding lets read the Secret', async () => {
    expect(await argocd.create(forwarding('synced-entry', 'team-token'))).toMatchObject({ admitted: true });
  });

  it('on UPDATE denies pointing an existing entry elsewhere, but lets unrelated edits through with a warning', async () => {
    expect(await admin.create(forwarding('admin-entry', 'team-token'))).toMatchObject({ admitted: true });
    const redirected = await mallory.patch('admin-entry', { spec: { remoteUrl: 'https://attacker.test/collect' } });
    expect(redirected).toMatchObject({ admitted: false, status: 403 });
    expect(messageOf(redirected)).toContain(mayNotRead('mallory', 'team-token'));

    const relabelled = await mallory.patch('admin-entry', { metadata: { labels: { team: 'blue' } } });
    expect(relabelled).toMatchObject({ admitted: true });
    expect(relabelled.warnings.join('\n')).toContain('not denied: unchanged by this update');
  });

  it('never logs a Secret value', async () => {
    const log = await webhook.readLog();
    expect(log).not.toContain(SENTINEL);
  });
});

describe('where a Secret may be sent (allowed-hosts annotation)', () => {
  it('rejects a remoteUrl the Secret is not bound to', async () => {
    const outcome = await alice.create(forwarding('leak', 'bound-token', 'https://attacker.test/mcp'), { dryRun: true });
    expect(outcome).toMatchObject({ admitted: false, status: 403 });
    expect(messageOf(outcome)).toContain(
      `spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: Secret "bound-token" may only be sent to api.example.com, *.example.org (its ${ALLOWED_HOSTS_ANNOTATION} annotation), not to "attacker.test" (spec.remoteUrl)`,
    );
  });

  it.each(['https://API.example.com/mcp', 'https://mcp.eu.example.org/mcp'])('accepts %s', async (remoteUrl) => {
    expect(await alice.create(forwarding('bound', 'bound-token', remoteUrl), { dryRun: true })).toMatchObject({ admitted: true });
  });

  it('rejects the wildcard apex and a suffix without a label boundary', async () => {
    for (const remoteUrl of ['https://example.org/mcp', 'https://badexample.org/mcp']) {
      expect(await alice.create(forwarding('near-miss', 'bound-token', remoteUrl), { dryRun: true })).toMatchObject({ admitted: false });
    }
  });
});

describe('--missing-secret=warn and --authorize-secret-refs=false', () => {
  it("warn admits a reader's entry whose Secret does not exist yet, but still answers a non-reader with the access denial", async () => {
    // Same port and certs: the registration stays valid; restart() waits for /readyz.
    await webhook.restart(['--missing-secret', 'warn']);
    const reader = await alice.create(forwarding('gitops-first', 'arrives-later'), { dryRun: true });
    expect(reader).toMatchObject({ admitted: true });
    expect(reader.warnings.join('\n')).toContain('Secret "arrives-later" not found');
    expect(reader.warnings.join('\n')).toContain('--missing-secret=warn');
    const other = await mallory.create(forwarding('gitops-first', 'arrives-later'), { dryRun: true });
    expect(messageOf(other)).toContain(mayNotRead('mallory', 'arrives-later'));
    expect(JSON.stringify(other)).not.toContain('not found');
  });

  it('false turns the author check off (the pre-issue-10 behaviour)', async () => {
    await webhook.restart(['--authorize-secret-refs=false']);
    expect(await mallory.create(forwarding('unchecked', 'team-token'), { dryRun: true })).toMatchObject({ admitted: true });
    await webhook.restart([]);
  });
});

describe('the sidecar enforces the binding at start', () => {
  // The same route config the injector writes, with allowedHosts from the Secret's annotation.
  async function startSidecar(remoteUrl: string) {
    const dir = await mkdtemp(join(cluster.info.workDir, 'sidecar-binding-'));
    const envVar = secretEnvVarName('leak', 'X-Api-Key');
    const routes = serializeRouteConfig({
      version: 1,
      routes: [
        {
          entry: `${NS}/leak`,
          remoteUrl,
          plaintextHeaders: {},
          secretHeaders: { 'X-Api-Key': envVar },
          allowedHosts: { 'X-Api-Key': ['api.example.com', '*.example.org'] },
        },
      ],
    });
    const logFile = join(dir, 'sidecar.log');
    const adminPort = await freeLoopbackPort();
    const sidecar = await startProcess({
      name: 'mcp-header-forward sidecar',
      command: process.execPath,
      args: [
        CLI_ENTRY,
        'sidecar',
        '--proxy-listen',
        `127.0.0.1:${await freeLoopbackPort()}`,
        '--admin-listen',
        `127.0.0.1:${adminPort}`,
        '--ca-dir',
        dir,
      ],
      env: { PATH: process.env.PATH, [ROUTES_ENV_VAR]: routes, [envVar]: SENTINEL },
      logFile,
    });
    return { sidecar, adminPort, output: () => readFile(logFile, 'utf8') };
  }

  it("refuses a route whose remoteUrl breaks its Secret's binding: non-zero exit, one line naming it, no value", async () => {
    const { sidecar, output } = await startSidecar('https://attacker.test/mcp');
    // Generous: node start-up on a loaded CI machine; a sidecar that does not exit fails here.
    const exited = await Promise.race([sidecar.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 60_000))]);
    await sidecar.stop();
    expect(exited?.code ?? 'still running').not.toBe(0);
    expect(exited?.code).toBeTypeOf('number');
    const lines = (await output()).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^mcp-header-forward sidecar: ${ROUTES_ENV_VAR} routes\\[0\\] \\(${NS}/leak\\): remoteUrl host attacker\\.test is not allowed for its secret headers \\(X-Api-Key may only go to api\\.example\\.com, \\*\\.example\\.org\\)`,
      ),
    );
    expect(await output()).not.toContain(SENTINEL);
  });

  it('starts with a route that honours the binding', async () => {
    const { sidecar, adminPort, output } = await startSidecar('https://mcp.example.org/mcp');
    try {
      await waitForHttpOk(`http://127.0.0.1:${adminPort}/healthz`, sidecar, 60_000);
    } finally {
      await sidecar.stop();
    }
    expect(await output()).not.toContain(SENTINEL);
  });
});

describe('a vMCP pod whose entry slipped past the validating webhook', () => {
  const configName = `mcp-header-forward-authz-mutate-${NS}`;
  let admission: AdmissionregistrationV1Api;

  afterAll(async () => {
    await admission?.deleteMutatingWebhookConfiguration({ name: configName }).catch(() => undefined);
  });

  it('gets a sidecar whose routes carry the binding, without the entry that would send the bound Secret elsewhere', async () => {
    // The validating webhook is out of the way (an outage with failurePolicy Ignore, a deleted configuration).
    await registration.remove();
    const custom = cluster.admin.makeApiClient(CustomObjectsApi);
    const create = (plural: string, body: object) =>
      custom.createNamespacedCustomObject({ group: TOOLHIVE_GROUP, version: 'v1beta1', namespace: NS, plural, body });
    await create(VMCP_PLURAL, {
      apiVersion: `${TOOLHIVE_GROUP}/v1beta1`,
      kind: 'VirtualMCPServer',
      metadata: { name: 'gateway' },
      spec: { groupRef: { name: 'bound' }, incomingAuth: { type: 'anonymous' } },
    });
    for (const [name, remoteUrl] of [
      ['honest', 'https://mcp.example.org/mcp'],
      ['leaky', 'https://attacker.test/mcp'],
    ] as const) {
      const entry = forwarding(name, 'bound-token', remoteUrl);
      expect(await admin.create({ ...entry, spec: { ...entry.spec, groupRef: { name: 'bound' } } })).toMatchObject({ admitted: true });
    }
    admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const body = mutatingWebhookConfiguration({
      name: configName,
      endpoint: { url: webhook.url },
      caBundle: webhook.caBundle,
    }) as V1MutatingWebhookConfiguration;
    await admission.createMutatingWebhookConfiguration({ body });

    const pod: V1Pod = {
      metadata: { generateName: 'gateway-', labels: { [VMCP_NAME_LABEL]: VMCP_NAME_VALUE, [VMCP_INSTANCE_LABEL]: 'gateway' } },
      spec: {
        automountServiceAccountToken: false,
        containers: [{ name: VMCP_CONTAINER_NAME, image: 'ghcr.io/stacklok/toolhive/vmcp:v0.44.0' }],
      },
    };
    const core = cluster.admin.makeApiClient(CoreV1Api);
    // The API server's webhook cache and our informers lag the creates a little: dry-run until the sidecar shows.
    let routes: ReturnType<typeof routeConfigSchema.parse>['routes'] | undefined;
    for (const deadline = Date.now() + 30_000; routes === undefined && Date.now() < deadline; await sleep(300)) {
      const created = await core.createNamespacedPod({ namespace: NS, body: pod, dryRun: 'All' }).catch(() => undefined);
      const sidecar = [...(created?.spec?.initContainers ?? []), ...(created?.spec?.containers ?? [])].find(
        (c) => c.name === SIDECAR_CONTAINER_NAME,
      );
      const raw = sidecar?.env?.find((e) => e.name === ROUTES_ENV_VAR)?.value;
      if (raw !== undefined) routes = routeConfigSchema.parse(JSON.parse(raw)).routes;
    }
    expect(routes?.map((r) => [r.entry, r.allowedHosts])).toEqual([
      [`${NS}/honest`, { 'X-Api-Key': ['api.example.com', '*.example.org'] }],
    ]);
    expect(await webhook.readLog()).toContain(`MCPServerEntry ${NS}/leaky skipped: spec.remoteUrl host attacker.test is not allowed`);
  });
});
