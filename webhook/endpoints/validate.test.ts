import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { admissionReview, entryObject } from '../../test/unit/webhook/admissionReviews.js';
import { startFakeApiServer, secretWith, type FakeApiServer } from '../../test/unit/webhook/fakeApiServer.js';
import { send } from '../../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../../test/unit/webhook/loopbackTls.js';
import { waitFor } from '../../test/unit/webhook/waitFor.js';
import { MODE_LABEL } from '../../contract/labels.js';
import { startNamespaceInformer, type NamespaceLabels } from '../cluster/namespaceModes.js';
import { createSecretGetter } from '../cluster/secrets.js';
import { createWebhookServer, type WebhookServer } from '../server.js';
import { mcpServerEntrySchema, type MCPServerEntry } from '../../contract/toolhive.js';
import { SIBLINGS_UNCHECKED, validateRoute } from './validate.js';

interface Response {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

describe('POST /validate (HTTPS, stand-in API server)', () => {
  let api: FakeApiServer;
  let tls: LoopbackTls;
  let server: WebhookServer;
  let namespaces: NamespaceLabels;
  let base: string;
  const registry = new Registry();
  const logs = captureLogs();
  let knownSiblings: MCPServerEntry[] | undefined;

  beforeAll(async () => {
    api = await startFakeApiServer();
    api.setNamespace('team-a', {});
    api.setNamespace('relaxed', { [MODE_LABEL]: 'warn' });
    api.setNamespace('observed', { [MODE_LABEL]: 'audit' });
    api.setSecret('team-a', 'github-token', secretWith({ token: 'ghp_good' }));
    tls = await loopbackTls();
    namespaces = startNamespaceInformer({ kubeConfig: api.kubeConfig, logger: logs.logger });
    await waitFor(() => namespaces.synced(), 'the namespace informer');
    server = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      logger: logs.logger,
      registry,
      routes: [
        validateRoute({
          getSecret: createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 1_500 }),
          mode: 'enforce',
          namespaceLabels: namespaces,
          registry,
        }),
        validateRoute({
          getSecret: createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 1_500 }),
          mode: 'enforce',
          siblings: () => knownSiblings,
          path: '/validate-siblings',
        }),
      ],
    });
    const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.close();
    await namespaces?.stop();
    await api?.close();
    await tls?.cleanup();
  });

  const review = async (options: Parameters<typeof admissionReview>[0]): Promise<Response> => {
    const res = await send(`${base}/validate`, JSON.stringify(admissionReview(options)), { ca: tls.ca.certPem });
    expect(res.status).toBe(200);
    return (res.json() as { response: Response }).response;
  };

  it('same-group env var collisions: denied against the known entries; with the cache not filled, admitted with a warning saying so', async () => {
    const post = async (uid: string): Promise<Response> => {
      const res = await send(
        `${base}/validate-siblings`,
        JSON.stringify(admissionReview({ uid, object: entryObject({ name: 'my.github' }) })),
        { ca: tls.ca.certPem },
      );
      return (res.json() as { response: Response }).response;
    };
    knownSiblings = undefined;
    expect(await post('unsynced')).toEqual({ uid: 'unsynced', allowed: true, warnings: [SIBLINGS_UNCHECKED] });
    knownSiblings = [mcpServerEntrySchema.parse(entryObject({ name: 'my-github' }))];
    const denied = await post('collides');
    expect(denied.allowed).toBe(false);
    expect(denied.status?.message).toContain('which MCPServerEntry "my-github" (header "X-Api-Key", same group "tools") already uses');
    knownSiblings = [];
    expect(await post('alone')).toEqual({ uid: 'alone', allowed: true });
  });

  it.each(['v1alpha1', 'v1beta1'] as const)('admits a good %s entry and echoes the uid', async (version) => {
    const response = await review({ uid: `good-${version}`, version, object: entryObject({ version }) });
    expect(response).toEqual({ uid: `good-${version}`, allowed: true });
  });

  it.each(['v1alpha1', 'v1beta1'] as const)('denies a bad %s entry listing every violation with its field path', async (version) => {
    const object = entryObject({
      version,
      spec: {
        headerForward: {
          addPlaintextHeaders: { Host: 'x' },
          addHeadersFromSecret: [
            { headerName: 'X-Api-Key', valueSecretRef: { name: 'github-token', key: 'token' } },
            { headerName: 'X-Other', valueSecretRef: { name: 'nope', key: 'k' } },
          ],
        },
      },
    });
    const response = await review({ version, object });
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(403);
    expect(response.status?.message).toBe(
      'MCPServerEntry team-a/github has 2 problems:\n' +
        '- spec.headerForward.addPlaintextHeaders["Host"]: header "Host" is restricted and cannot be forwarded (it controls routing, framing or client identity) (fix: remove it; ToolHive refuses the same set (Host, Connection, X-Forwarded-*, Proxy-*, ...))\n' +
        '- spec.headerForward.addHeadersFromSecret[1].valueSecretRef.name: Secret "nope" not found in namespace "team-a" (fix: create it first (kubectl create secret generic nope -n team-a --from-literal=k=...) or fix the name)',
    );
  });

  it('records the reason codes: audit annotations on the response and one count per reason', async () => {
    const object = entryObject({
      spec: {
        headerForward: {
          addPlaintextHeaders: { Host: 'x', Connection: 'y' },
          addHeadersFromSecret: [{ headerName: 'X-Other', valueSecretRef: { name: 'nope', key: 'k' } }],
        },
      },
    });
    const before = await registry.getSingleMetricAsString('mcp_header_forward_entry_violations_total');
    const response = await review({ uid: 'reasons', object });
    expect(response.auditAnnotations).toEqual({ outcome: 'denied', reasons: 'HeaderSecretNotFound,RestrictedHeader' });
    const count = (text: string, reason: string): number =>
      Number(new RegExp(`mode="enforce",outcome="denied",reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const after = await registry.getSingleMetricAsString('mcp_header_forward_entry_violations_total');
    expect(count(after, 'RestrictedHeader') - count(before, 'RestrictedHeader')).toBe(1);
    expect(count(after, 'HeaderSecretNotFound') - count(before, 'HeaderSecretNotFound')).toBe(1);
    expect((await review({ uid: 'clean', object: entryObject({}) })).auditAnnotations).toBeUndefined();
  });

  it('only GETs Secrets by name, never lists or watches them', () => {
    const secretCalls = api.requests.filter((r) => r.includes('/secrets'));
    expect(secretCalls.length).toBeGreaterThan(0);
    expect(secretCalls.every((r) => /^GET \/api\/v1\/namespaces\/[^/]+\/secrets\/[^/?]+$/.test(r))).toBe(true);
  });

  it.each([
    [
      'an API error',
      { kind: 'status', code: 500, message: 'etcdserver: request timed out' } as const,
      /could not check Secret "flaky" in namespace "team-a": the API server answered HTTP 500: etcdserver: request timed out/,
    ],
    [
      'a forbidden GET',
      { kind: 'status', code: 403, message: 'secrets "flaky" is forbidden' } as const,
      /could not check .*HTTP 403: secrets "flaky" is forbidden/,
    ],
    [
      'a slow API server',
      { kind: 'slow', delayMs: 10_000 } as const,
      /could not check Secret "flaky" .*no answer from the API server within 1500 ms/,
    ],
  ])('fails closed on %s and says the check could not run', async (_case, behaviour, message) => {
    api.setSecret('team-a', 'flaky', behaviour);
    const started = Date.now();
    const response = await review({
      object: entryObject({
        spec: { headerForward: { addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: 'flaky', key: 'k' } }] } },
      }),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.allowed).toBe(false);
    expect(response.status?.message).toMatch(message);
  });

  it('allows a namespace labelled warn, returning the violations as warnings', async () => {
    const response = await review({ namespace: 'relaxed', object: entryObject({ namespace: 'relaxed' }) });
    expect(response.allowed).toBe(true);
    expect(response.warnings).toEqual([
      expect.stringMatching(/Secret "github-token" not found in namespace "relaxed".*would be denied in enforce mode/),
    ]);
  });

  it('allows a namespace labelled audit silently and counts it', async () => {
    const response = await review({ namespace: 'observed', object: entryObject({ namespace: 'observed' }) });
    expect(response).toMatchObject({ allowed: true });
    expect(response.warnings).toBeUndefined();
    expect(await registry.getSingleMetricAsString('mcp_header_forward_entry_validations_total')).toMatch(
      /mode="audit",outcome="would_deny"\} 1/,
    );
    expect(logs.lines.some((l) => l.includes('"outcome":"would_deny"') && l.includes('observed'))).toBe(true);
  });

  it('follows a namespace relabel through the informer watch', async () => {
    api.setNamespace('team-b', {});
    await expect.poll(() => namespaces.label('team-b', 'kubernetes.io/metadata.name')).toBe('team-b');
    expect((await review({ namespace: 'team-b', object: entryObject({ namespace: 'team-b' }) })).allowed).toBe(false);
    api.setNamespace('team-b', { [MODE_LABEL]: 'warn' });
    await expect.poll(() => namespaces.label('team-b', MODE_LABEL)).toBe('warn');
    expect((await review({ namespace: 'team-b', object: entryObject({ namespace: 'team-b' }) })).allowed).toBe(true);
  });

  it('ratchets an UPDATE that does not touch the failing field', async () => {
    const old = entryObject({ namespace: 'team-c' });
    const updated = entryObject({ namespace: 'team-c', spec: { transport: 'sse' } });
    const response = await review({ namespace: 'team-c', operation: 'UPDATE', object: updated, oldObject: old });
    expect(response.allowed).toBe(true);
    expect(response.warnings).toEqual([expect.stringMatching(/Secret "github-token" not found.*unchanged by this update/)]);
  });

  it('always allows an entry that is being deleted (finalizer removal)', async () => {
    const deleting = entryObject({ namespace: 'team-c', deletionTimestamp: '2026-11-27T00:00:00Z' });
    expect((await review({ namespace: 'team-c', operation: 'UPDATE', object: deleting, oldObject: deleting })).allowed).toBe(true);
  });

  it.each([
    ['a DELETE', { operation: 'DELETE' as const, oldObject: entryObject() }],
    [
      'another kind',
      { kind: { group: '', version: 'v1', kind: 'ConfigMap' }, resource: 'configmaps', object: { metadata: { name: 'c' } } },
    ],
  ])('allows %s without checks', async (_case, options) => {
    expect((await review(options)).allowed).toBe(true);
  });

  it('denies, with code 400, an object that is not a readable MCPServerEntry', async () => {
    const response = await review({
      object: {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPServerEntry',
        metadata: {},
        spec: { headerForward: { addHeadersFromSecret: 'oops' } },
      },
    });
    expect(response).toMatchObject({
      allowed: false,
      status: { code: 400, message: expect.stringContaining('spec.headerForward.addHeadersFromSecret') },
    });
  });
});
