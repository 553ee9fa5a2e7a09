import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { send } from '../unit/webhook/httpsClient.js';
import { admissionReview } from '../unit/webhook/admissionReviews.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest } from './harness/entries.js';
import { ADMISSION_CLIENT_NAME } from './harness/pki.js';
import { startWebhookProcess, type WebhookProcess } from './harness/webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// The real API server authenticates to the webhook with the client certificate of its admission kubeconfig
// (the harness configures one, as docs/install.md "Authenticating the API server" says); a forged review does not get in.
const NS = `client-auth-${randomBytes(3).toString('hex')}`;

let cluster: Cluster;
let webhook: WebhookProcess;
let registration: Registration;
let rbac: { remove(): Promise<void> };

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  const caFile = join(cluster.info.workDir, `admission-client-ca-${NS}.crt`);
  await writeFile(caFile, cluster.info.clientCaPem);
  rbac = await applyWebhookRbac(cluster.admin);
  webhook = await startWebhookProcess(cluster, { args: ['--client-ca-file', caFile, '--client-name', ADMISSION_CLIENT_NAME] });
  registration = await registerValidatingWebhook(cluster.admin, webhook, { name: `mcp-header-forward-${NS}`, probeNamespace: NS });
});

afterAll(async () => {
  await registration?.remove();
  await webhook?.stop();
  await rbac?.remove();
  await cluster?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: NS })
    .catch(() => undefined);
});

describe('--client-ca-file with the API server presenting its admission client certificate', () => {
  it('reviews what the API server sends: a bad entry is denied with its message, a good one admitted', async () => {
    const entries = entriesApi(cluster.admin, NS);
    const bad = await entries.create(entryManifest('bad', { addPlaintextHeaders: { Host: 'x' } }));
    expect(bad).toMatchObject({ admitted: false, message: expect.stringContaining('restricted') });
    expect(await entries.create(entryManifest('good', { addPlaintextHeaders: { 'X-Tenant': 'acme' } }))).toMatchObject({ admitted: true });
  });

  it('answers a forged review sent straight to its port with 401 (no certificate, or one the API server does not hold)', async () => {
    const forged = JSON.stringify(admissionReview({ uid: 'forged' }));
    const res = await send(`${webhook.url}/validate`, forged, { ca: webhook.caPem });
    expect(res.status).toBe(401);
    const someUser = await cluster.userKubeconfigYaml('mallory', []);
    expect(someUser).toContain('client-certificate-data');
    const cert = /client-certificate-data: (\S+)/.exec(someUser)![1]!;
    const key = /client-key-data: (\S+)/.exec(someUser)![1]!;
    const client = { certPem: Buffer.from(cert, 'base64').toString(), keyPem: Buffer.from(key, 'base64').toString() };
    const asUser = await send(`${webhook.url}/validate`, forged, { ca: webhook.caPem, client });
    expect(asUser.status).toBe(401);
    expect(asUser.body).toContain('mallory');
  });
});
