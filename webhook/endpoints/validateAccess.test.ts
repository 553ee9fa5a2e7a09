import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview, entryObject } from '../../test/unit/webhook/admissionReviews.js';
import { startFakeApiServer, secretWith, type FakeApiServer } from '../../test/unit/webhook/fakeApiServer.js';
import { send } from '../../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../../test/unit/webhook/loopbackTls.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { createAccessCache } from '../cluster/accessCache.js';
import { createSecretReadCheck } from '../cluster/accessReview.js';
import { createSecretGetter } from '../cluster/secrets.js';
import { createWebhookServer, type WebhookServer } from '../server.js';
import { rulesFor } from '../validate/secretPolicy.js';
import { validateRoute } from './validate.js';

interface Response {
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
}

const entryFor = (secret: string, remoteUrl = 'https://api.example.com/mcp'): Record<string, unknown> =>
  entryObject({
    spec: {
      remoteUrl,
      headerForward: { addHeadersFromSecret: [{ headerName: 'X-Api-Key', valueSecretRef: { name: secret, key: 'token' } }] },
    },
  });

describe('POST /validate with --authorize-secret-refs (stand-in API server)', () => {
  let api: FakeApiServer;
  let tls: LoopbackTls;
  let server: WebhookServer;
  let base: string;
  let warnBase: string;
  let warnServer: WebhookServer;
  const logs = captureLogs();

  const start = async (missingSecret: 'deny' | 'warn'): Promise<[WebhookServer, string]> => {
    const s = await createWebhookServer({
      tls: { certFile: tls.certFile, keyFile: tls.keyFile },
      logger: logs.logger,
      routes: [
        validateRoute({
          getSecret: createSecretGetter({ kubeConfig: api.kubeConfig, timeoutMs: 500 }),
          canReadSecret: createSecretReadCheck({ kubeConfig: api.kubeConfig, timeoutMs: 500, cache: createAccessCache({ ttlMs: 0 }) }),
          mode: 'enforce',
          rules: rulesFor({ missingSecret, requireHostBinding: false }),
        }),
      ],
    });
    const { port } = await s.listen({ host: '127.0.0.1', port: 0 });
    return [s, `https://127.0.0.1:${port}`];
  };

  beforeAll(async () => {
    api = await startFakeApiServer();
    api.setSecret('team-a', 'github-token', secretWith({ token: 'ghp_good' }));
    api.setSecret('team-a', 'bound', secretWith({ token: 'v' }, { [ALLOWED_HOSTS_ANNOTATION]: '*.example.org' }));
    api.forbidSecretReads('mallory');
    tls = await loopbackTls();
    [server, base] = await start('deny');
    [warnServer, warnBase] = await start('warn');
  });
  afterAll(async () => {
    await server?.close();
    await warnServer?.close();
    await api?.close();
    await tls?.cleanup();
  });

  const review = async (object: Record<string, unknown>, user = 'alice', url = base): Promise<Response> => {
    const body = admissionReview({ object }) as { request: Record<string, unknown> };
    body.request.userInfo = { username: user, uid: `${user}-uid`, groups: ['system:authenticated'] };
    const res = await send(`${url}/validate`, JSON.stringify(body), { ca: tls.ca.certPem });
    expect(res.status).toBe(200);
    return (res.json() as { response: Response }).response;
  };

  it('admits a user who may read the Secret', async () => {
    expect(await review(entryFor('github-token'))).toMatchObject({ allowed: true });
  });

  it('denies a user who may not, with one message that is the same for an existing and a missing Secret', async () => {
    const existing = await review(entryFor('github-token'), 'mallory');
    const missing = await review(entryFor('github-token-nope'), 'mallory');
    expect(existing.allowed).toBe(false);
    expect(existing.status?.message).toContain(
      'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name: user "mallory" may not read Secret "github-token"; only users who can read a Secret may forward it',
    );
    expect(missing.status?.message).toBe(
      existing.status?.message
        ?.replaceAll('"github-token"', '"github-token-nope"')
        .replaceAll('secrets/github-token ', 'secrets/github-token-nope '),
    );
    expect(existing.warnings ?? []).toEqual(missing.warnings ?? []);
  });

  it('never GETs a Secret for a user who may not read it', async () => {
    const before = api.requests.length;
    await review(entryFor('bound'), 'mallory');
    const calls = api.requests.slice(before);
    expect(calls.filter((r) => r.startsWith('POST /apis/authorization.k8s.io/v1/subjectaccessreviews'))).toHaveLength(1);
    expect(calls.filter((r) => r.includes('/secrets/'))).toEqual([]);
  });

  it('--missing-secret=warn admits a missing Secret for a reader, and still denies a non-reader without saying it is missing', async () => {
    const reader = await review(entryFor('later'), 'alice', warnBase);
    expect(reader.allowed).toBe(true);
    expect(reader.warnings).toEqual([
      expect.stringContaining('Secret "later" not found in namespace "team-a" [admitted by --missing-secret=warn'),
    ]);
    const other = await review(entryFor('later'), 'mallory', warnBase);
    expect(other.allowed).toBe(false);
    expect(other.status?.message).toContain('user "mallory" may not read Secret "later"');
    expect(JSON.stringify(other)).not.toContain('not found');
  });

  it('binds an annotated Secret to its hosts', async () => {
    expect(await review(entryFor('bound', 'https://mcp.example.org/mcp'))).toMatchObject({ allowed: true });
    const wrong = await review(entryFor('bound', 'https://attacker.test/mcp'));
    expect(wrong.allowed).toBe(false);
    expect(wrong.status?.message).toContain('Secret "bound" may only be sent to *.example.org');
  });
});
