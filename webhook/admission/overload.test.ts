import Fastify from 'fastify';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mountAdmissionRoute } from './handler.js';
import { ADMISSION_SHED_METRIC, createAdmissionMetrics } from './metrics.js';
import { createAdmissionGate, overloadedVerdict } from './overload.js';
import { allow } from './response.js';
import type { AdmissionRoute } from './route.js';
import type { FailurePolicy } from '../registrations/webhookConfigurations.js';

const logger = pino({ level: 'silent' });

function review(uid: string): object {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      operation: 'CREATE',
      object: { metadata: { name: 'p' } },
    },
  };
}

/** A route whose reviews wait until the test releases them, counting how many it ran. */
function heldRoute(failurePolicy?: FailurePolicy): { route: AdmissionRoute; ran: string[]; release(): void } {
  const ran: string[] = [];
  const waiting: (() => void)[] = [];
  return {
    route: {
      path: '/mutate',
      name: 'mutate',
      ...(failurePolicy ? { failurePolicy } : {}),
      review: async (request) => {
        ran.push(request.uid);
        await new Promise<void>((resolve) => waiting.push(resolve));
        return allow({ mode: 'injected', patch: [{ op: 'add', path: '/metadata/labels', value: { a: 'b' } }] });
      },
    },
    ran,
    release: () => {
      while (waiting.length > 0) waiting.shift()!();
    },
  };
}

async function server(options: { maxInFlight: number; failurePolicy: FailurePolicy; maxWaitMs?: number; routePolicy?: FailurePolicy }) {
  const app = Fastify();
  const registry = new Registry();
  const held = heldRoute(options.routePolicy);
  const gate = createAdmissionGate(options.maxInFlight);
  mountAdmissionRoute(app, held.route, {
    logger,
    metrics: createAdmissionMetrics(registry),
    overload: { gate, maxWaitMs: options.maxWaitMs ?? 60_000, failurePolicy: options.failurePolicy },
  });
  await app.ready();
  const post = (uid: string) => app.inject({ method: 'POST', url: '/mutate', payload: review(uid) });
  return { app, registry, held, gate, post };
}

/** Resolves once the route has started `n` reviews (each waits for release). */
async function started(held: { ran: string[] }, n: number): Promise<void> {
  while (held.ran.length < n) await new Promise((resolve) => setImmediate(resolve));
}

describe('admission control', () => {
  it('answers a review over --max-in-flight-reviews at once, without running it: denied under failurePolicy Fail', async () => {
    const s = await server({ maxInFlight: 2, failurePolicy: 'Fail' });
    const first = [s.post('a'), s.post('b')];
    await started(s.held, 2);
    const shed = await s.post('c');
    expect(shed.statusCode).toBe(200);
    const response = shed.json().response;
    expect(response).toMatchObject({ uid: 'c', allowed: false, status: { code: 429 } });
    expect(response.status.message).toMatch(/overloaded \(2 reviews were already in progress\).*retry/);
    expect(response.patch).toBeUndefined();
    expect(s.held.ran).toEqual(['a', 'b']);
    expect(await s.registry.metrics()).toContain(`${ADMISSION_SHED_METRIC}{route="mutate",cause="full"} 1`);

    // The slots come back when the answers are out: the next review runs and is answered as usual.
    s.held.release();
    for (const answer of await Promise.all(first)) expect(answer.json().response).toMatchObject({ allowed: true, patchType: 'JSONPatch' });
    expect(s.gate.inFlight).toBe(0);
    const next = s.post('d');
    await started(s.held, 3);
    s.held.release();
    expect((await next).json().response).toMatchObject({ uid: 'd', allowed: true, patchType: 'JSONPatch' });
    await s.app.close();
  });

  it('under failurePolicy Ignore admits the shed review unchanged, with a warning', async () => {
    const s = await server({ maxInFlight: 1, failurePolicy: 'Ignore' });
    const first = s.post('a');
    await started(s.held, 1);
    const response = (await s.post('b')).json().response;
    expect(response.allowed).toBe(true);
    expect(response.patch).toBeUndefined();
    expect(response.patchType).toBeUndefined();
    expect(response.warnings).toEqual([expect.stringMatching(/overloaded .*admitted unchanged, as failurePolicy Ignore/)]);
    s.held.release();
    await first;
    await s.app.close();
  });

  it("follows the route's own failurePolicy over the server's (the Secret guard is always registered Ignore)", async () => {
    const s = await server({ maxInFlight: 1, failurePolicy: 'Fail', routePolicy: 'Ignore' });
    const first = s.post('a');
    await started(s.held, 1);
    expect((await s.post('b')).json().response).toMatchObject({ allowed: true, warnings: [expect.any(String)] });
    s.held.release();
    await first;
    await s.app.close();
  });

  it('answers a review whose turn came later than the wait bound, though a slot was free', async () => {
    // A bound below zero: any wait is too long, so the (otherwise idle) server must still shed.
    const s = await server({ maxInFlight: 10, failurePolicy: 'Fail', maxWaitMs: -1 });
    const response = (await s.post('a')).json().response;
    expect(response).toMatchObject({ uid: 'a', allowed: false, status: { code: 429 } });
    expect(response.status.message).toMatch(/waited \d+ ms for its turn/);
    expect(s.held.ran).toEqual([]);
    expect(await s.registry.metrics()).toContain(`${ADMISSION_SHED_METRIC}{route="mutate",cause="late"} 1`);
    expect(s.gate.inFlight).toBe(0);
    await s.app.close();
  });

  it('still refuses a body without a uid as malformed, even when shedding', async () => {
    const s = await server({ maxInFlight: 1, failurePolicy: 'Fail', maxWaitMs: -1 });
    const answer = await s.app.inject({
      method: 'POST',
      url: '/mutate',
      payload: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
    });
    expect(answer.statusCode).toBe(400);
    await s.app.close();
  });
});

describe('createAdmissionGate', () => {
  it('hands out at most maxInFlight slots and takes them back', () => {
    const gate = createAdmissionGate(2);
    expect([gate.tryEnter(), gate.tryEnter(), gate.tryEnter()]).toEqual([true, true, false]);
    gate.leave();
    expect(gate.tryEnter()).toBe(true);
    expect(gate.inFlight).toBe(2);
    expect(() => createAdmissionGate(0)).toThrow(RangeError);
  });
});

describe('overloadedVerdict', () => {
  it('is a denial to retry under Fail and an unchanged admission with a warning under Ignore', () => {
    const full = { kind: 'full', maxInFlight: 64 } as const;
    expect(overloadedVerdict('validate', 'Fail', full)).toMatchObject({ allowed: false, code: 429, mode: 'overloaded' });
    const ignored = overloadedVerdict('validate', 'Ignore', full);
    expect(ignored).toMatchObject({ allowed: true, mode: 'overloaded' });
    expect(ignored.patch).toBeUndefined();
    expect(ignored.warnings).toHaveLength(1);
  });
});
