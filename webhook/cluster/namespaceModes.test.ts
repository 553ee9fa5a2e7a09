import { afterEach, describe, expect, it } from 'vitest';
import { MODE_LABEL } from '../../contract/labels.js';
import { startFakeApiServer, type FakeApiServer } from '../../test/unit/webhook/fakeApiServer.js';
import { captureLogs } from '../../test/unit/webhook/logCapture.js';
import { startNamespaceInformer, type NamespaceLabels } from './namespaceModes.js';

describe('namespace informer', () => {
  let api: FakeApiServer | undefined;
  let informer: NamespaceLabels | undefined;
  afterEach(async () => {
    await informer?.stop();
    await api?.close();
  });

  it('is not synced while the list fails, retries with backoff, then serves labels', async () => {
    api = await startFakeApiServer();
    api.setNamespace('team-a', { [MODE_LABEL]: 'audit' });
    api.failNamespaceLists(2);
    const logs = captureLogs('info');
    informer = startNamespaceInformer({ kubeConfig: api.kubeConfig, logger: logs.logger, restartDelayMs: 50 });
    expect(informer.synced()).toBe(false);
    expect(informer.label('team-a', MODE_LABEL)).toBeUndefined();
    await expect.poll(() => informer!.synced(), { timeout: 5_000 }).toBe(true);
    expect(informer.label('team-a', MODE_LABEL)).toBe('audit');
    expect(logs.lines.filter((l) => l.includes('namespace informer failed'))).toHaveLength(2);
    expect(
      api.requests.filter((r) => r.startsWith('GET /api/v1/namespaces?') || r === 'GET /api/v1/namespaces').length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('answers undefined for a namespace it has never seen', async () => {
    api = await startFakeApiServer();
    informer = startNamespaceInformer({ kubeConfig: api.kubeConfig, logger: captureLogs().logger });
    await expect.poll(() => informer!.synced()).toBe(true);
    expect(informer.label('nope', MODE_LABEL)).toBeUndefined();
  });
});
