import { describe, expect, it } from 'vitest';
import type { SecretLookup } from '../validate/types.js';
import { sharingFoundAnswers } from './sharedLookups.js';

const FOUND: SecretLookup = {
  status: 'found',
  secret: { namespace: 'ns', name: 's', annotations: {}, keys: { token: { empty: false, trailingNewline: false } } },
};

/** A getter whose answers the test releases one by one, counting the GETs sent. */
function controlledGetter(): {
  get: (ns: string, name: string) => Promise<SecretLookup>;
  sent: string[];
  answer(lookup: SecretLookup): void;
} {
  const waiting: ((lookup: SecretLookup) => void)[] = [];
  const sent: string[] = [];
  return {
    get: (ns, name) => {
      sent.push(`${ns}/${name}`);
      return new Promise((resolve) => waiting.push(resolve));
    },
    sent,
    answer: (lookup) => waiting.shift()!(lookup),
  };
}

describe('sharingFoundAnswers', () => {
  it('lets concurrent reviews of one Secret share the GET in flight when it finds the Secret', async () => {
    const api = controlledGetter();
    const get = sharingFoundAnswers(api.get, { now: () => 1000 });
    const answers = Promise.all([get('ns', 's'), get('ns', 's'), get('ns', 's')]);
    await Promise.resolve();
    expect(api.sent).toEqual(['ns/s']);
    api.answer(FOUND);
    expect(await answers).toEqual([FOUND, FOUND, FOUND]);
  });

  it('never shares "not found": a review that joined sends its own GET (the Secret may have been created since)', async () => {
    const api = controlledGetter();
    const get = sharingFoundAnswers(api.get, { now: () => 1000 });
    const first = get('ns', 's');
    const joined = get('ns', 's');
    api.answer({ status: 'not-found' });
    expect(await first).toEqual({ status: 'not-found' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(api.sent).toEqual(['ns/s', 'ns/s']);
    api.answer(FOUND);
    expect(await joined).toEqual(FOUND);
  });

  it('never shares a failed GET, nor a thrown one', async () => {
    const api = controlledGetter();
    const get = sharingFoundAnswers(api.get, { now: () => 1000 });
    const first = get('ns', 's');
    const joined = get('ns', 's');
    api.answer({ status: 'error', reason: 'the API server answered HTTP 500' });
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    api.answer(FOUND);
    expect(await joined).toEqual(FOUND);

    const throwing = sharingFoundAnswers(() => Promise.reject(new Error('connection reset')), { now: () => 1000 });
    await expect(Promise.all([throwing('ns', 's'), throwing('ns', 's')])).rejects.toThrow('connection reset');
  });

  it('does not join a GET older than the window, and keeps nothing once the GET answered', async () => {
    const api = controlledGetter();
    let clock = 1000;
    const get = sharingFoundAnswers(api.get, { maxAgeMs: 100, now: () => clock });
    const old = get('ns', 's');
    clock += 101;
    const late = get('ns', 's');
    expect(api.sent).toHaveLength(2);
    api.answer(FOUND);
    api.answer(FOUND);
    await Promise.all([old, late]);
    const other = get('ns', 'other');
    api.answer(FOUND);
    await other;
    const after = get('ns', 's');
    expect(api.sent).toEqual(['ns/s', 'ns/s', 'ns/other', 'ns/s']);
    api.answer(FOUND);
    await after;
  });
});
