import { describe, expect, it } from 'vitest';
import { loadFixture } from '../../test/unit/webhook/mutateFixtures.js';
import { forwardingEntriesFor } from './entries.js';

const fixture = loadFixture('basic-native');
const vmcp = fixture.vmcps[0]!;

describe('forwardingEntriesFor', () => {
  it('selects the vMCP group’s entries with headerForward, by name', () => {
    const selected = forwardingEntriesFor(vmcp, [...fixture.entries].reverse());
    expect(selected.map((e) => e.metadata.name)).toEqual([...selected.map((e) => e.metadata.name)].sort());
    expect(selected.length).toBeGreaterThan(0);
  });

  it('keeps the answer for a frozen list (the informer’s) until the list is replaced, and shares it frozen', () => {
    const list = Object.freeze([...fixture.entries]);
    const first = forwardingEntriesFor(vmcp, list);
    expect(forwardingEntriesFor(vmcp, list)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // The informer's next list after a change: selected again, even with the same entries.
    const next = forwardingEntriesFor(vmcp, Object.freeze([...fixture.entries]));
    expect(next).not.toBe(first);
    expect(next).toEqual(first);
    // Another vMCP object (an update replaces it) is selected for on its own.
    expect(forwardingEntriesFor(structuredClone(vmcp), list)).not.toBe(first);
  });

  it('selects afresh from a list that is not frozen (a caller could still change it)', () => {
    const list = [...fixture.entries];
    expect(forwardingEntriesFor(vmcp, list)).not.toBe(forwardingEntriesFor(vmcp, list));
  });
});
