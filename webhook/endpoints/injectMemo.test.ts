import { describe, expect, it } from 'vitest';
import { loadFixture, TEST_NAMESPACE } from '../../test/unit/webhook/mutateFixtures.js';
import { contextFromObjects, injectPod, type InjectContext } from '../mutate/inject.js';
import { memoizedInject, type Inject } from './injectMemo.js';

const fixture = loadFixture('basic-native');

function counting(): { inject: Inject; plans: () => number } {
  let plans = 0;
  return {
    inject: (pod, ctx) => {
      plans++;
      return injectPod(pod, ctx);
    },
    plans: () => plans,
  };
}

function context(entries = fixture.entries, bindings?: ReadonlyMap<string, readonly string[]>): InjectContext {
  return contextFromObjects(
    { vmcps: fixture.vmcps, entries },
    { namespace: TEST_NAMESPACE, settings: fixture.settings, ...(bindings ? { secretBindings: bindings } : {}) },
  );
}

describe('memoizedInject', () => {
  it('plans the first replica and hands the next ones the same answer planning would give', () => {
    const spy = counting();
    const inject = memoizedInject(spy.inject);
    const first = inject(structuredClone(fixture.pod), context());
    const second = inject(structuredClone(fixture.pod), context());
    expect(spy.plans()).toBe(1);
    expect(second).toBe(first);
    expect(second).toEqual(injectPod(structuredClone(fixture.pod), context()));
    expect(first.patch.length).toBeGreaterThan(0);
  });

  it('plans again when any input differs: the pod, an entry (a new object after an update), a Secret binding, the namespace label', () => {
    const spy = counting();
    const inject = memoizedInject(spy.inject);
    inject(fixture.pod, context());
    const otherPod = structuredClone(fixture.pod);
    otherPod.spec!.containers[0]!.image = 'vmcp:other';
    inject(otherPod, context());
    const updated = fixture.entries.map((e, i) => (i === 0 ? structuredClone(e) : e));
    inject(fixture.pod, context(updated));
    const secret = fixture.entries[0]!.spec.headerForward!.addHeadersFromSecret![0]!.valueSecretRef!.name;
    const bound = inject(fixture.pod, context(fixture.entries, new Map([[secret, ['docs.example.com']]])));
    inject(fixture.pod, { ...context(), namespaceLabels: { 'mcp-header-forward.dev/inject': 'disabled' } });
    expect(spy.plans()).toBe(5);
    // The binding really changed the answer: the entry bound elsewhere is left out with a warning.
    expect(bound.plan?.warnings.join('\n')).toContain('is not allowed by');
  });

  it('keys a frozen entry list (the informer’s, replaced on every change) by the list itself', () => {
    const spy = counting();
    const inject = memoizedInject(spy.inject);
    const list = Object.freeze([...fixture.entries]);
    const withList = (entries: readonly (typeof fixture.entries)[number][]): InjectContext => ({ ...context(), entriesIn: () => entries });
    inject(fixture.pod, withList(list));
    inject(fixture.pod, withList(list));
    expect(spy.plans()).toBe(1);
    // The informer's next list after a change: same entries or not, a new list plans again.
    inject(fixture.pod, withList(Object.freeze([...fixture.entries])));
    expect(spy.plans()).toBe(2);
    // An unfrozen list is keyed entry by entry: equal entries, a new array, still a hit.
    inject(fixture.pod, withList([...fixture.entries]));
    inject(fixture.pod, withList([...fixture.entries]));
    expect(spy.plans()).toBe(3);
  });

  it('freezes what it shares, so no caller can change what the next replica gets', () => {
    const result = memoizedInject()(structuredClone(fixture.pod), context());
    expect(Object.isFrozen(result.patch)).toBe(true);
    expect(Object.isFrozen(result.patch[0])).toBe(true);
    expect(() => (result.plan!.warnings as string[]).push('x')).toThrow(TypeError);
  });

  it('keeps at most maxEntries plans, dropping the least recently used; 0 keeps none', () => {
    const spy = counting();
    const inject = memoizedInject(spy.inject, 2);
    const pods = ['a', 'b', 'c'].map((image) => {
      const pod = structuredClone(fixture.pod);
      pod.spec!.containers[0]!.image = image;
      return pod;
    });
    inject(pods[0]!, context());
    inject(pods[1]!, context());
    inject(pods[0]!, context()); // a is now the most recent
    inject(pods[2]!, context()); // evicts b
    inject(pods[0]!, context());
    expect(spy.plans()).toBe(3);
    inject(pods[1]!, context());
    expect(spy.plans()).toBe(4);

    const none = counting();
    const plain = memoizedInject(none.inject, 0);
    plain(fixture.pod, context());
    plain(fixture.pod, context());
    expect(none.plans()).toBe(2);
  });
});
