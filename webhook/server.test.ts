import { Agent } from 'node:https';
import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview } from '../test/unit/webhook/admissionReviews.js';
import { send } from '../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../test/unit/webhook/loopbackTls.js';
import { allow, deny } from './admission/response.js';
import type { AdmissionRoute } from './admission/route.js';
import { createWebhookServer, type WebhookServer } from './server.js';

const echoRoute: AdmissionRoute = {
  path: '/echo',
  name: 'echo',
  review: async (request) =>
    request.operation === 'DELETE'
      ? deny('no deletes here', { warnings: ['w1'], mode: 'enforce' })
      : allow({ warnings: ['looked at it'], mode: 'warn' }),
};
const patchRoute: AdmissionRoute = {
  path: '/mutate',
  name: 'mutate',
  review: async () => allow({ patch: [{ op: 'add', path: '/metadata/labels', value: { injected: 'true' } }] }),
};
const throwingRoute: AdmissionRoute = {
  path: '/broken',
  name: 'broken',
  review: async () => {
    throw new Error('planner exploded');
  },
};

describe('webhook server (HTTPS on loopback)', () => {
  let tls: LoopbackTls;
  let server: WebhookServer;
  let base: string;
  let ready = false;
  const logs = captureLogs();

  beforeAll(async () => {
    tls = await loopbackTls();
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      tlsReloadIntervalMs: 50,
      logger: logs.logger,
      routes: [echoRoute, patchRoute, throwingRoute],
      readiness: [{ name: 'test informer', ready: () => ready }],
    });
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await server.close();
    await tls.cleanup();
  });

  const post = (path: string, body: unknown) =>
    send(`${base}${path}`, typeof body === 'string' ? body : JSON.stringify(body), { ca: tls.ca.certPem });

  it('answers with the same uid, allowed, and warnings', async () => {
    const review = admissionReview({ uid: 'uid-123', object: { metadata: { name: 'x' } } });
    const res = await post('/echo', review);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'uid-123', allowed: true, warnings: ['looked at it'] },
    });
  });

  it('denies with status.code and status.message', async () => {
    const res = await post('/echo', admissionReview({ uid: 'd-1', operation: 'DELETE' }));
    expect(res.json()).toMatchObject({
      response: { uid: 'd-1', allowed: false, status: { code: 403, message: 'no deletes here' }, warnings: ['w1'] },
    });
  });

  it('sends a route patch base64-encoded with patchType JSONPatch', async () => {
    const res = await post('/mutate', admissionReview({ uid: 'm-1' }));
    const response = (res.json() as { response: { patchType: string; patch: string } }).response;
    expect(response.patchType).toBe('JSONPatch');
    expect(JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'))).toEqual([
      { op: 'add', path: '/metadata/labels', value: { injected: 'true' } },
    ]);
  });

  it('fails closed when a route throws: allowed false, code 500, and keeps serving', async () => {
    const res = await post('/broken', admissionReview({ uid: 'b-1' }));
    expect(res.json()).toMatchObject({
      response: { uid: 'b-1', allowed: false, status: { code: 500, message: expect.stringContaining('planner exploded') } },
    });
    expect((await post('/echo', admissionReview({}))).status).toBe(200);
  });

  it.each([
    ['invalid JSON', '{"apiVersion": ', /JSON/],
    ['an empty object', {}, /malformed admission\.k8s\.io\/v1 AdmissionReview: apiVersion/],
    [
      'a request without uid',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } },
      /request\.uid/,
    ],
    ['a v1beta1 review', { ...admissionReview({}), apiVersion: 'admission.k8s.io/v1beta1' }, /apiVersion/],
    ['an unknown operation', admissionReview({ operation: 'PATCH' as 'CREATE' }), /request\.operation/],
  ])('answers %s with HTTP 400 and a clear error, never a crash', async (_case, body, error) => {
    const res = await post('/echo', body);
    expect(res.status).toBe(400);
    expect((res.json() as { error: string }).error).toMatch(error);
  });

  it('answers a non-JSON content type with a 4xx that says what to send', async () => {
    const res = await send(`${base}/echo`, '<review/>', { ca: tls.ca.certPem, contentType: 'application/xml' });
    expect(res.status).toBe(415);
    expect(res.body).toContain('AdmissionReview as application/json');
  });

  it('refuses a body nested 500,000 levels with a 400 before parsing it, and keeps serving', async () => {
    const deep = `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":${'['.repeat(500_000)}${']'.repeat(500_000)}}`;
    const before = process.memoryUsage().heapUsed;
    const res = await send(`${base}/echo`, deep, { ca: tls.ca.certPem, contentType: 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toContain('nests deeper than 100 levels');
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    expect((await post('/echo', admissionReview({ uid: 'after-deep' }))).status).toBe(200);
  });

  it('serves /healthz always and /readyz only when every check is ready', async () => {
    expect((await send(`${base}/healthz`, undefined, { ca: tls.ca.certPem })).status).toBe(200);
    const waiting = await send(`${base}/readyz`, undefined, { ca: tls.ca.certPem });
    expect(waiting.status).toBe(503);
    expect(waiting.body).toContain('test informer');
    ready = true;
    expect((await send(`${base}/readyz`, undefined, { ca: tls.ca.certPem })).status).toBe(200);
  });

  it('records the review duration histogram and the cert expiry, served on the metrics port, not this one', async () => {
    expect((await send(`${base}/metrics`, undefined, { ca: tls.ca.certPem })).status).toBe(404);
    const metrics = await server.registry.metrics();
    expect(metrics).toMatch(
      /mcp_header_forward_admission_review_duration_seconds_count\{route="echo",operation="CREATE",allowed="true",mode="warn"\} \d+/,
    );
    expect(metrics).toMatch(/mcp_header_forward_webhook_cert_not_after_timestamp_seconds \d/);
  });

  it('refuses two routes on one path', async () => {
    await expect(
      createWebhookServer({
        tls: { certFile: tls.certFile, keyFile: tls.keyFile },
        logger: logs.logger,
        routes: [echoRoute, { ...echoRoute, name: 'again' }],
      }),
    ).rejects.toThrow('two admission routes share the path /echo');
  });
});

describe('TLS files', () => {
  let tls: LoopbackTls;
  let server: WebhookServer | undefined;
  const logs = captureLogs();
  beforeAll(async () => {
    tls = await loopbackTls();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => tls.cleanup());

  it('names the flag and the file when the cert cannot be read', async () => {
    await expect(
      createWebhookServer({ tls: { certFile: `${tls.dir}/missing.crt`, keyFile: tls.keyFile }, logger: logs.logger, routes: [] }),
    ).rejects.toThrow(/cannot read --tls-cert-file .*missing\.crt: ENOENT/);
  });

  it('says when the key does not belong to the cert', async () => {
    const other = await loopbackTls();
    try {
      await expect(
        createWebhookServer({ tls: { certFile: tls.certFile, keyFile: other.keyFile }, logger: logs.logger, routes: [] }),
      ).rejects.toThrow(/not a usable pair/);
    } finally {
      await other.cleanup();
    }
  });

  it('serves a rotated cert to new connections without dropping an open keep-alive connection', async () => {
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      tlsReloadIntervalMs: 50,
      logger: logs.logger,
      routes: [echoRoute],
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    const url = `https://127.0.0.1:${port}/echo`;
    const body = JSON.stringify(admissionReview({}));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca: tls.ca.certPem });
    try {
      const first = await send(url, body, { ca: tls.ca.certPem, agent: keepAlive });
      const oldSerial = first.peerSerial;

      await tls.rotate();
      await expect.poll(async () => (await send(url, body, { ca: tls.ca.certPem })).peerSerial, { timeout: 5_000 }).not.toBe(oldSerial);

      const again = await send(url, body, { ca: tls.ca.certPem, agent: keepAlive });
      expect(again.status).toBe(200);
      expect(again.reusedSocket).toBe(true);
      expect(again.socket).toBe(first.socket);
      expect(again.peerSerial).toBe(oldSerial);
      expect(logs.lines.some((line) => line.includes('reloaded TLS certificate'))).toBe(true);
    } finally {
      keepAlive.destroy();
    }
  });

  it('keeps the current cert when the files are half-written', async () => {
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      tlsReloadIntervalMs: 10_000,
      logger: logs.logger,
      routes: [echoRoute],
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    await writeFile(tls.certFile, 'not a certificate');
    expect(await server.reloadTls()).toBe(false);
    const res = await send(`https://127.0.0.1:${port}/healthz`, undefined, { ca: tls.ca.certPem });
    expect(res.status).toBe(200);
    await tls.rotate();
    expect(await server.reloadTls()).toBe(true);
  });
});
