import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueLeaf, type IssuedCert } from '../certs/x509.js';
import { admissionReview } from '../test/unit/webhook/admissionReviews.js';
import { send } from '../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../test/unit/webhook/loopbackTls.js';
import { allow } from './admission/response.js';
import { createWebhookServer, type WebhookServer } from './server.js';

// A forged AdmissionReview (any userInfo it likes) from anything that reaches the port must not be answered.
describe('--client-ca-file: admission paths answer only the API server', () => {
  let tls: LoopbackTls;
  let server: WebhookServer;
  let base: string;
  let apiServer: IssuedCert;
  let otherName: IssuedCert;
  let stranger: IssuedCert;
  const logs = captureLogs();

  beforeAll(async () => {
    tls = await loopbackTls();
    const clientCa = await createCa({ commonName: 'admission client CA', validForMs: 3_600_000 });
    const strangerCa = await createCa({ commonName: 'someone else', validForMs: 3_600_000 });
    apiServer = await issueLeaf(clientCa, { commonName: 'kube-apiserver', usage: 'client', validForMs: 3_600_000 });
    otherName = await issueLeaf(clientCa, { commonName: 'some-workload', usage: 'client', validForMs: 3_600_000 });
    stranger = await issueLeaf(strangerCa, { commonName: 'kube-apiserver', usage: 'client', validForMs: 3_600_000 });
    const caFile = join(tls.dir, 'client-ca.crt');
    await writeFile(caFile, clientCa.certPem);
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      logger: logs.logger,
      routes: [{ path: '/validate', name: 'validate', review: async () => allow({ mode: 'enforce' }) }],
      clientAuth: { caFile, names: ['kube-apiserver'] },
    });
    base = `https://127.0.0.1:${(await server.listen({ host: '127.0.0.1', port: 0 })).port}`;
  });
  afterAll(async () => {
    await server.close();
    await tls.cleanup();
  });

  const review = JSON.stringify(admissionReview({ uid: 'forged' }));

  it('answers the API server (certificate from the client CA, accepted name)', async () => {
    const res = await send(`${base}/validate`, review, { ca: tls.ca.certPem, client: apiServer });
    expect(res.status).toBe(200);
  });

  it.each([
    ['no certificate', undefined, /no client certificate/],
    ['a certificate from another CA', () => stranger, /not signed by --client-ca-file/],
    ['a certificate of the CA with another name', () => otherName, /CN \\?"some-workload\\?" is not one of --client-name kube-apiserver/],
  ])('refuses a forged review with %s (401, nothing reviewed)', async (_case, client, reason) => {
    const res = await send(`${base}/validate`, review, { ca: tls.ca.certPem, ...(client ? { client: client() } : {}) });
    expect(res.status).toBe(401);
    expect(res.body).toMatch(reason);
  });

  it('keeps the health paths open for the kubelet, which presents no certificate', async () => {
    expect((await send(`${base}/healthz`, undefined, { ca: tls.ca.certPem })).status).toBe(200);
  });

  it('keeps authenticating after the serving certificate is reloaded', async () => {
    await tls.rotate();
    expect(await server.reloadTls()).toBe(true);
    expect((await send(`${base}/validate`, review, { ca: tls.ca.certPem })).status).toBe(401);
    expect((await send(`${base}/validate`, review, { ca: tls.ca.certPem, client: apiServer })).status).toBe(200);
  });
});
