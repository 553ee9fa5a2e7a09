import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCa, issueLeaf } from '../../certs/x509.js';
import { TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { connect, type Cluster } from './harness/cluster.js';
import { entriesApi, entryManifest, type EntryVersion } from './harness/entries.js';
import { registerValidatingWebhook, type Registration } from './harness/webhookRegistration.js';

// A recording stand-in for the webhook, registered with the shipped rules (both versions, matchPolicy Equivalent):
// it shows which apiVersion the API server sends for a request made through each served version.
interface RecordedRequest {
  name?: string;
  kind: { group: string; version: string; kind: string };
  requestKind?: { version: string };
  object?: { apiVersion?: string };
}

const recorded: RecordedRequest[] = [];
let server: Server;
let registration: Registration;
let cluster: Cluster;
const namespace = `versions-${randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  cluster = connect(inject('controlPlane'));
  const ca = await createCa({ commonName: 'recorder CA', validForMs: 3_600_000 });
  const serving = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 });
  server = createServer({ cert: serving.certPem, key: serving.keyPem }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const review = JSON.parse(body) as { request: RecordedRequest & { uid: string } };
      recorded.push(review.request);
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          response: { uid: review.request.uid, allowed: true },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  registration = await registerValidatingWebhook(
    cluster.admin,
    { url, caBundle: Buffer.from(ca.certPem).toString('base64'), reviewed: async (name) => recorded.some((r) => r.name === name) },
    { name: 'mcp-header-forward-e2e-recorder', probeNamespace: namespace },
  );
});

afterAll(async () => {
  await registration?.remove();
  await new Promise((resolve) => server?.close(resolve));
});

describe('what reaches the webhook for each served version', () => {
  it.each<EntryVersion>(['v1alpha1', 'v1beta1'])(
    'a request through %s arrives as %s (the shipped rules list both versions)',
    async (version) => {
      const name = `through-${version}`;
      expect(
        await entriesApi(cluster.admin, namespace).create(entryManifest(name, { addPlaintextHeaders: { 'X-Team': 'blue' } }, version)),
      ).toMatchObject({
        admitted: true,
      });
      const request = recorded.find((r) => r.name === name);
      expect(request).toMatchObject({
        kind: { group: TOOLHIVE_GROUP, version, kind: 'MCPServerEntry' },
        requestKind: { version },
        object: { apiVersion: `${TOOLHIVE_GROUP}/${version}` },
      });
    },
  );
});
