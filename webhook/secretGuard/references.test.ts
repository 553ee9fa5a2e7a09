import { describe, expect, it } from 'vitest';
import { entry, headerForward } from '../../test/unit/webhook/validateEntries.js';
import { SecretReferenceIndex } from './references.js';

const secretHeaders = (...refs: [string, string, string][]) =>
  headerForward({ addHeadersFromSecret: refs.map(([headerName, name, key]) => ({ headerName, valueSecretRef: { name, key } })) });

describe('SecretReferenceIndex', () => {
  it('lists the entries and keys that read a Secret, by namespace', () => {
    const index = new SecretReferenceIndex();
    index.upsert(entry({ name: 'b', spec: secretHeaders(['X-A', 'shared', 'k2'], ['X-B', 'shared', 'k1']) }));
    index.upsert(entry({ name: 'a', spec: secretHeaders(['X-A', 'shared', 'k1']) }));
    index.upsert(entry({ name: 'c', namespace: 'other', spec: secretHeaders(['X-A', 'shared', 'k1']) }));
    expect(index.users('team-a', 'shared')).toEqual([
      { entry: 'a', keys: ['k1'] },
      { entry: 'b', keys: ['k1', 'k2'] },
    ]);
    expect(index.users('team-a', 'unrelated')).toEqual([]);
  });

  it('forgets references an update removed, and a deleted or deleting entry entirely', () => {
    const index = new SecretReferenceIndex();
    index.upsert(entry({ name: 'a', spec: secretHeaders(['X-A', 'old', 'k']) }));
    index.upsert(entry({ name: 'a', spec: secretHeaders(['X-A', 'new', 'k']) }));
    expect(index.users('team-a', 'old')).toEqual([]);
    expect(index.users('team-a', 'new')).toEqual([{ entry: 'a', keys: ['k'] }]);
    index.upsert(entry({ name: 'a', deletionTimestamp: '2026-01-01T00:00:00Z', spec: secretHeaders(['X-A', 'new', 'k']) }));
    expect(index.users('team-a', 'new')).toEqual([]);
    index.upsert(entry({ name: 'b', spec: secretHeaders(['X-A', 'new', 'k']) }));
    index.delete('team-a', 'b');
    expect(index.size()).toBe(0);
  });
});
