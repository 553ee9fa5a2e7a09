import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCa, issueLeaf } from '../../certs/x509.js';
import type { Requester } from '../validate/readableLookup.js';
import { createAccessCache } from './accessCache.js';
import { Registry } from 'prom-client';
import { ACCESS_REVIEWS_METRIC, createSecretReadCheck } from './accessReview.js';

// A stand-in authorizer on 127.0.0.1 (HTTPS, verified): answers SubjectAccessReviews with `answer(spec)`.
type Answer = { code: 200; allowed: boolean; denied?: boolean } | { code: number; message: string } | { code: 'hang' };
let answer: (spec: Record<string, unknown>) => Answer = () => ({ code: 200, allowed: true });
const reviews: Record<string, unknown>[] = [];
let server: Server;
let handshakes = 0;
let kubeConfig: KubeConfig;

const alice: Requester = {
  username: 'alice',
  uid: 'u-1',
  groups: ['dev', 'system:authenticated'],
  extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] },
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', code: 404, message: 'not here' }));
      return;
    }
    const review = JSON.parse(body) as { spec: Record<string, unknown> };
    reviews.push(review.spec);
    const a = answer(review.spec);
    if (a.code === 'hang') return;
    if ('message' in a) {
      res
        .writeHead(a.code, { 'content-type': 'application/json' })
        .end(JSON.stringify({ kind: 'Status', code: a.code, message: a.message }));
      return;
    }
    res
      .writeHead(201, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ...review, status: { allowed: a.allowed, ...(a.denied ? { denied: true } : {}) } }));
  });
}

beforeAll(async () => {
  const ca = await createCa({ commonName: 'stand-in authorizer CA', validForMs: 3_600_000 });
  const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 });
  server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, handle);
  server.on('secureConnection', () => (handshakes += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'fake',
        server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        caData: Buffer.from(ca.certPem).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'webhook', token: 'test-token' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'webhook' }],
    currentContext: 'fake',
  });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  reviews.length = 0;
  answer = () => ({ code: 200, allowed: true });
});

describe('createSecretReadCheck (SubjectAccessReview)', () => {
  it('asks whether the full identity may get the one Secret', async () => {
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000 });
    expect(await check(alice, 'team-a', 'github-token')).toEqual({ allowed: true });
    expect(reviews).toEqual([
      {
        user: 'alice',
        uid: 'u-1',
        groups: ['dev', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': ['X509SHA256=ab'] },
        resourceAttributes: { group: '', version: 'v1', resource: 'secrets', verb: 'get', namespace: 'team-a', name: 'github-token' },
      },
    ]);
  });

  it('reports a denial, and a status that is both allowed and denied as a denial', async () => {
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000 });
    answer = () => ({ code: 200, allowed: false });
    expect(await check(alice, 'team-a', 's')).toEqual({ allowed: false });
    answer = () => ({ code: 200, allowed: true, denied: true });
    expect(await check(alice, 'team-a', 's')).toEqual({ allowed: false });
  });

  it('caches positive answers only', async () => {
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000, cache: createAccessCache({ ttlMs: 60_000 }) });
    answer = () => ({ code: 200, allowed: false });
    await check(alice, 'team-a', 's');
    await check(alice, 'team-a', 's');
    expect(reviews).toHaveLength(2);
    answer = () => ({ code: 200, allowed: true });
    await check(alice, 'team-a', 's');
    await check(alice, 'team-a', 's');
    expect(reviews).toHaveLength(3);
    await check({ ...alice, username: 'mallory' }, 'team-a', 's');
    expect(reviews).toHaveLength(4);
  });

  it('sends one review for concurrent checks of the same identity and Secret', async () => {
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000, cache: createAccessCache({ ttlMs: 0 }) });
    const answers = await Promise.all([check(alice, 'team-a', 's'), check({ ...alice }, 'team-a', 's'), check(alice, 'team-a', 't')]);
    expect(answers).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(reviews.map((r) => (r.resourceAttributes as { name: string }).name).sort()).toEqual(['s', 't']);
    await check(alice, 'team-a', 's');
    expect(reviews).toHaveLength(3);
  });

  it('reuses a keep-alive connection for successive reviews (no TLS handshake per admission)', async () => {
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000, cache: createAccessCache({ ttlMs: 0 }) });
    await check(alice, 'team-a', 'warm-up');
    const before = handshakes;
    for (const name of ['a', 'b', 'c', 'd', 'e']) await check(alice, 'team-a', name);
    expect(reviews).toHaveLength(6);
    // One handshake per review would be 5; the pool is adopted from an early call, so at most one more.
    expect(handshakes - before).toBeLessThanOrEqual(1);
  });

  it('counts reviews by outcome', async () => {
    const registry = new Registry();
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000, registry, cache: createAccessCache({ ttlMs: 60_000 }) });
    await check(alice, 'team-a', 'ok');
    await check(alice, 'team-a', 'ok');
    answer = () => ({ code: 200, allowed: false });
    await check(alice, 'team-a', 'no');
    answer = () => ({ code: 500, message: 'boom' });
    await check(alice, 'team-a', 'broken');
    const metric = await registry.getSingleMetric(ACCESS_REVIEWS_METRIC)!.get();
    expect(Object.fromEntries(metric.values.map((v) => [v.labels.outcome, v.value]))).toEqual({
      allowed: 1,
      cached: 1,
      denied: 1,
      error: 1,
    });
  });

  it('turns an API error into a reason that says the review failed and why', async () => {
    answer = () => ({ code: 403, message: 'subjectaccessreviews.authorization.k8s.io is forbidden' });
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 2_000 });
    expect(await check(alice, 'team-a', 's')).toEqual({
      error: 'the SubjectAccessReview failed: the API server answered HTTP 403: subjectaccessreviews.authorization.k8s.io is forbidden',
    });
  });

  it('gives up after the timeout', async () => {
    answer = () => ({ code: 'hang' });
    const check = createSecretReadCheck({ kubeConfig, timeoutMs: 100 });
    expect(await check(alice, 'team-a', 's')).toEqual({
      error: 'the SubjectAccessReview failed: no answer from the API server within 100 ms',
    });
  });
});
