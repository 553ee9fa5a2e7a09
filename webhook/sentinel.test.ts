import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { MODE_LABEL } from '../contract/labels.js';
import { admissionReview, entryObject } from '../test/unit/webhook/admissionReviews.js';
import { secretWith, startFakeApiServer, type FakeApiServer } from '../test/unit/webhook/fakeApiServer.js';
import { send } from '../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../test/unit/webhook/loopbackTls.js';
import { waitFor } from '../test/unit/webhook/waitFor.js';
import { startNamespaceInformer, type NamespaceLabels } from './cluster/namespaceModes.js';
import { createSecretGetter } from './cluster/secrets.js';
import { validateRoute } from './endpoints/validate.js';
import { createWebhookServer, type WebhookServer } from './server.js';

// A Secret value is read only to check it: it must never appear in a log line, a response or a metric.
const SENTINEL = `sentinel-${randomUUID()}`;
const VALUES: Record<string, string> = {
  clean: SENTINEL,
  trailing: `${SENTINEL}\n`,
  crlf: `${SENTINEL}\r\nX-Injected: 1`,
  nul: `${SENTINEL}\0tail`,
  cr: `bad\r${SENTINEL}`,
};
const forms = (value: string): string[] => [
  value,
  SENTINEL,
  Buffer.from(value).toString('base64'),
  Buffer.from(SENTINEL).toString('base64').slice(0, 24),
  JSON.stringify(value).slice(1, -1),
];

describe('Secret values never leave the check (sentinel)', () => {
  let api: FakeApiServer;
  let tls: LoopbackTls;
  let server: WebhookServer;
  let namespaces: NamespaceLabels;
  let base: string;
  const registry = new Registry();
  const logs = captureLogs('trace');
  const bodies: string[] = [];

  beforeAll(async () => {
    api = await startFakeApiServer();
    for (const ns of ['enforced', 'warned', 'audited']) {
      api.setNamespace(ns, { [MODE_LABEL]: ns === 'enforced' ? 'enforce' : ns === 'warned' ? 'warn' : 'audit' });
      api.setSecret(ns, 'creds', secretWith(VALUES));
    }
    tls = await loopbackTls();
    namespaces = startNamespaceInformer({ kubeConfig: api.kubeConfig, logger: logs.logger });
    await waitFor(() => namespaces.synced(), 'the namespace informer');
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      logger: logs.logger,
      registry,
      routes: [
        validateRoute({
          getSecret: createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 5_000 }),
          mode: 'enforce',
          namespaceLabels: namespaces,
          registry,
        }),
      ],
    });
    base = `https://127.0.0.1:${(await server.listen({ host: '127.0.0.1', port: 0 })).port}`;
  });
  afterAll(async () => {
    await server?.close();
    await namespaces?.stop();
    await api?.close();
    await tls?.cleanup();
  });

  const post = async (body: unknown): Promise<string> => {
    const res = await send(`${base}/validate`, JSON.stringify(body), { ca: tls.ca.certPem });
    bodies.push(res.body);
    return res.body;
  };

  it.each(['enforced', 'warned', 'audited'])('checks every kind of value in namespace %s without echoing it', async (namespace) => {
    const headers = Object.keys(VALUES).map((key) => ({ headerName: `X-${key}`, valueSecretRef: { name: 'creds', key } }));
    const object = entryObject({ namespace, spec: { headerForward: { addHeadersFromSecret: headers } } });
    const body = await post(admissionReview({ namespace, object }));
    // Each bad value is reported (so the values were really read) ...
    for (const message of ['ends with a trailing newline', 'contains a CR character', 'contains a NUL character']) {
      if (namespace !== 'audited') expect(body).toContain(message);
    }
    // ... and the clean one passes: only the four bad keys are reported.
    if (namespace === 'enforced') expect(body).toContain('has 4 problems');
    await post(admissionReview({ namespace, operation: 'UPDATE', object, oldObject: object }));
  });

  it('also on a clean entry and on a malformed review that carries the value', async () => {
    const clean = entryObject({
      namespace: 'enforced',
      spec: { headerForward: { addHeadersFromSecret: [{ headerName: 'X-Key', valueSecretRef: { name: 'creds', key: 'clean' } }] } },
    });
    expect(await post(admissionReview({ namespace: 'enforced', object: clean }))).toContain('"allowed":true');
    // A caller that puts a Secret into the review: the 400 must not echo it.
    await post({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { data: { token: SENTINEL }, operation: SENTINEL } });
    await post({ apiVersion: 'v1', kind: 'Secret', data: { token: SENTINEL } });
    // Bodies that are not JSON at all: the parser's error must not quote them.
    for (const [body, contentType] of [
      [SENTINEL, 'application/json'],
      [`{"token":"${SENTINEL}"`, 'application/json'],
      [SENTINEL, 'text/plain'],
    ] as const) {
      const res = await send(`${base}/validate`, body, { ca: tls.ca.certPem, contentType });
      expect(res.status).toBe(400);
      bodies.push(res.body);
    }
  });

  it('leaves no trace in any log line, response body or metric', async () => {
    bodies.push(await registry.metrics());
    expect(logs.lines.length).toBeGreaterThan(5);
    expect(bodies.length).toBeGreaterThan(5);
    for (const form of Object.values(VALUES).flatMap(forms)) {
      for (const line of [...logs.lines, ...bodies]) expect(line).not.toContain(form);
    }
  });
});
