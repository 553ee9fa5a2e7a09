import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { MCPServerEntry } from '../../contract/toolhive.js';
import type { EntryChange } from '../cluster/toolhiveInformers.js';
import { entry, foundSecret } from '../../test/unit/webhook/validateEntries.js';
import type { SecretLookup } from '../validate/types.js';
import { DEFAULT_RULES } from '../validate/validateEntry.js';
import { startBackgroundScan, type BackgroundScan } from './backgroundScan.js';
import { ENTRIES_INVALID_METRIC, SCAN_INTERVAL_METRIC, createScanMetrics } from './metrics.js';
import type { ObjectEvent } from './scanState.js';

function harness(leader = { leading: true }, onGet: (count: number) => void = () => undefined) {
  const entries = new Map<string, MCPServerEntry>([['team-a/github', entry()]]);
  const secrets = new Map<string, SecretLookup>();
  const events: ObjectEvent[] = [];
  /** What each onResults call saw: `namespace/name=status`, sorted. */
  const published: string[][] = [];
  const gets: string[] = [];
  let listener: ((change: EntryChange) => void) | undefined;
  const registry = new Registry();
  const scan = startBackgroundScan({
    entries: () => [...entries.values()],
    namespaceEntries: (namespace) => [...entries.values()].filter((e) => (e.metadata.namespace ?? '') === namespace),
    onEntryChange: (l) => {
      listener = l;
      return () => (listener = undefined);
    },
    synced: () => true,
    getSecret: async (namespace, name) => {
      gets.push(`${namespace}/${name}`);
      onGet(gets.length);
      return secrets.get(name) ?? { status: 'not-found' };
    },
    rules: DEFAULT_RULES,
    intervalMs: 3_600_000,
    changeDelayMs: 5,
    emit: async (event) => void events.push(event),
    leading: () => leader.leading,
    metrics: createScanMetrics(registry, 300_000),
    onResults: (results) => published.push([...results.values()].map((r) => `${r.namespace}/${r.name}=${r.status}`).sort()),
    logger: pino({ level: 'silent' }),
  });
  const invalid = async (): Promise<string> =>
    (await registry.getSingleMetricAsString(ENTRIES_INVALID_METRIC))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
  return { entries, secrets, events, published, gets, scan, invalid, change: (c: EntryChange) => listener?.(c) };
}

let running: BackgroundScan | undefined;
afterEach(async () => {
  await running?.stop();
});

describe('background scan', () => {
  it('a replica that does not hold the Lease serves the gauge but sends no Event; once leading it tells each problem once', async () => {
    const leader = { leading: false };
    const h = harness(leader);
    running = h.scan;
    await h.scan.scanAll();
    expect(await h.invalid()).toBe('mcp_header_forward_entries_invalid{resource_namespace="team-a",reason="HeaderSecretNotFound"} 1');
    expect(h.events).toEqual([]);
    leader.leading = true;
    await h.scan.scanAll();
    await h.scan.scanAll();
    expect(h.events.map((e) => e.reason)).toEqual(['HeaderSecretNotFound']);
    leader.leading = false;
    await h.scan.scanAll();
    leader.leading = true;
    await h.scan.scanAll();
    expect(h.events.map((e) => e.reason)).toEqual(['HeaderSecretNotFound', 'HeaderSecretNotFound']);
  });

  it('rescan runs a full pass after the one in flight: entries that pass decided as a follower are told at once', async () => {
    const leader = { leading: false };
    // The Lease is won while the in-flight pass checks its second entry: the first was recorded as a follower.
    const h = harness(leader, (count) => {
      if (count === 2) leader.leading = true;
    });
    running = h.scan;
    h.entries.set(
      'team-a/gitlab',
      entry({
        name: 'gitlab',
        spec: {
          headerForward: { addHeadersFromSecret: [{ headerName: 'X-Other', valueSecretRef: { name: 'gitlab-token', key: 'token' } }] },
        },
      }),
    );
    const inFlight = h.scan.scanAll();
    const fresh = h.scan.rescan();
    await inFlight;
    expect(h.events.map((e) => e.regarding.name)).toEqual(['gitlab']);
    await fresh;
    expect(h.events.map((e) => e.regarding.name).sort()).toEqual(['github', 'gitlab']);
  });

  it('reports a broken entry once (gauge + one Event), and clears both when it is fixed', async () => {
    const h = harness();
    running = h.scan;
    await h.scan.scanAll();
    expect(await h.invalid()).toBe('mcp_header_forward_entries_invalid{resource_namespace="team-a",reason="HeaderSecretNotFound"} 1');
    expect(h.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'HeaderSecretNotFound', regarding: expect.objectContaining({ name: 'github' }) }),
    ]);

    await h.scan.scanAll();
    expect(h.events).toHaveLength(1);

    h.secrets.set('github-token', foundSecret('github-token', { token: 'v' }));
    await h.scan.scanAll();
    expect(await h.invalid()).toBe('');
    expect(h.events.at(-1)).toMatchObject({ type: 'Normal', reason: 'HeaderForwardValid' });
  });

  it('keeps the last verdict when a Secret could not be read (no flapping, no Event)', async () => {
    const h = harness();
    running = h.scan;
    await h.scan.scanAll();
    h.secrets.set('github-token', { status: 'error', reason: 'HTTP 503' });
    await h.scan.scanAll();
    expect(await h.invalid()).toContain('reason="HeaderSecretNotFound"} 1');
    expect(h.events).toHaveLength(1);
  });

  it('re-checks an entry whose spec changed, skips status-only updates, and drops deleted entries', async () => {
    const h = harness();
    running = h.scan;
    h.secrets.set('github-token', foundSecret('github-token', { token: 'v' }));
    await h.scan.scanAll();
    expect(h.gets).toHaveLength(1);

    // Same spec (a status update): no new GET.
    h.change({ type: 'upsert', entry: entry() });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(h.gets).toHaveLength(1);

    const restricted = entry({ spec: { headerForward: { addPlaintextHeaders: { Host: 'x' } } } });
    h.entries.set('team-a/github', restricted);
    h.change({ type: 'upsert', entry: restricted });
    await expect.poll(() => h.events.map((e) => e.reason)).toEqual(['RestrictedHeader']);
    await expect.poll(() => h.invalid()).toContain('reason="RestrictedHeader"} 1');

    h.entries.delete('team-a/github');
    h.change({ type: 'delete', namespace: 'team-a', name: 'github' });
    await expect.poll(() => h.invalid()).toBe('');
  });

  it('two entries sharing an env var both fail; deleting one re-checks the other at once', async () => {
    const h = harness();
    running = h.scan;
    h.secrets.set('github-token', foundSecret('github-token', { token: 'v' }));
    h.entries.set('team-a/my-github', entry({ name: 'my-github' }));
    h.entries.set('team-a/my.github', entry({ name: 'my.github' }));
    h.entries.delete('team-a/github');
    await h.scan.scanAll();
    expect(await h.invalid()).toBe('mcp_header_forward_entries_invalid{resource_namespace="team-a",reason="HeaderEnvVarCollision"} 2');
    h.entries.delete('team-a/my.github');
    h.change({ type: 'delete', namespace: 'team-a', name: 'my.github' });
    await expect.poll(() => h.invalid()).toBe('');
    expect(h.scan.results().get('team-a/my-github')?.status).toBe('pass');
  });

  it("a new entry taking a passing entry's env var makes both fail at once, asking only that partner again", async () => {
    const h = harness();
    running = h.scan;
    h.secrets.set('github-token', foundSecret('github-token', { token: 'v' }));
    h.entries.delete('team-a/github');
    for (let i = 0; i < 20; i++) h.entries.set(`team-a/pair${i}-a`, entry({ name: `pair${i}-a` }));
    await h.scan.scanAll();
    expect(await h.invalid()).toBe('');
    const before = h.gets.length;
    const twin = entry({ name: 'pair0.a' });
    h.entries.set('team-a/pair0.a', twin);
    h.change({ type: 'upsert', entry: twin });
    await expect
      .poll(() => h.invalid())
      .toBe('mcp_header_forward_entries_invalid{resource_namespace="team-a",reason="HeaderEnvVarCollision"} 2');
    // The new entry and its one partner: not the other 19.
    expect(h.gets.length - before).toBe(2);
  });

  it('hands its verdicts on (PolicyReports) after each full pass and each change, never before the first full pass', async () => {
    const h = harness();
    running = h.scan;
    h.secrets.set('github-token', foundSecret('github-token', { token: 'v' }));
    // A change checked before any full pass: the picture is partial, nothing is handed on.
    h.change({ type: 'upsert', entry: entry({ spec: { headerForward: { addPlaintextHeaders: { Host: 'x' } } } }) });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(h.published).toEqual([]);

    await h.scan.scanAll();
    expect(h.published).toEqual([['team-a/github=pass']]);

    const restricted = entry({ spec: { headerForward: { addPlaintextHeaders: { Host: 'x' } } } });
    h.entries.set('team-a/github', restricted);
    h.change({ type: 'upsert', entry: restricted });
    await expect.poll(() => h.published.at(-1)).toEqual(['team-a/github=fail']);

    h.entries.delete('team-a/github');
    h.change({ type: 'delete', namespace: 'team-a', name: 'github' });
    await expect.poll(() => h.published.at(-1)).toEqual([]);
  });
});

describe('scan metrics', () => {
  it('export the --scan-interval in seconds, so the stall alert follows the flag', async () => {
    const registry = new Registry();
    createScanMetrics(registry, 90_000);
    expect(await registry.getSingleMetricAsString(SCAN_INTERVAL_METRIC)).toContain(`${SCAN_INTERVAL_METRIC} 90`);
  });
});
