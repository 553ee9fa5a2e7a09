import { KubeConfig, Watch, type KubernetesListObject, type V1ConfigMap } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogs, type CapturedLogs } from '../../test/unit/webhook/logCapture.js';
import { startRestartingInformer, type RestartingInformer } from './restartingInformer.js';

// No API server: the list is a function the test controls, the watch a Watch whose requests are recorded.

type Done = (error: unknown) => void;

class FakeWatch extends Watch {
  readonly opened: Done[] = [];
  constructor() {
    super(new KubeConfig());
  }
  override watch(_path: string, _query: unknown, _callback: unknown, done: Done): Promise<AbortController> {
    this.opened.push(done);
    return Promise.resolve(new AbortController());
  }
}

const FAILURE = 'test informer failed';

function configMapList(resourceVersion: string): KubernetesListObject<V1ConfigMap> {
  return { items: [{ metadata: { name: 'one', namespace: 'ns', resourceVersion } }], metadata: { resourceVersion } };
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** retryInMs of each failure line, in order. */
function retryDelays(logs: CapturedLogs): number[] {
  return logs.lines
    .map((line) => JSON.parse(line) as { msg?: string; retryInMs?: number })
    .filter((entry) => entry.msg === FAILURE)
    .map((entry) => entry.retryInMs ?? -1);
}

describe('startRestartingInformer', () => {
  let running: RestartingInformer<V1ConfigMap> | undefined;
  let logs: CapturedLogs;
  let watch: FakeWatch;
  beforeEach(() => {
    vi.useFakeTimers();
    logs = captureLogs('info');
    watch = new FakeWatch();
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    vi.useRealTimers();
  });

  function start(
    list: () => Promise<KubernetesListObject<V1ConfigMap>>,
    extra: { onAdd?: (o: V1ConfigMap) => void } = {},
  ): RestartingInformer<V1ConfigMap> {
    running = startRestartingInformer<V1ConfigMap>({
      kubeConfig: new KubeConfig(),
      path: '/api/v1/configmaps',
      list,
      logger: logs.logger,
      failureMessage: FAILURE,
      restartDelayMs: 100,
      maxRestartDelayMs: 300,
      watch,
      ...(extra.onAdd ? { handlers: { add: extra.onAdd } } : {}),
    });
    return running;
  }

  it('doubles the restart delay up to the maximum while lists fail, and lists again after each delay', async () => {
    const list = vi.fn(() => Promise.reject(new Error('connection refused')));
    const informer = start(list);
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(list).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(200 + 300 + 300);
    expect(list).toHaveBeenCalledTimes(5);
    expect(retryDelays(logs)).toEqual([100, 200, 300, 300, 300]);
    expect(informer.listed()).toBe(false);
    expect(watch.opened).toHaveLength(0);
  });

  it('resets the delay after a good list: the next failure waits the first delay again', async () => {
    let failures = 2;
    const list = vi.fn(() => (failures-- > 0 ? Promise.reject(new Error('unavailable')) : Promise.resolve(configMapList('7'))));
    const informer = start(list);
    await vi.advanceTimersByTimeAsync(100 + 200);
    expect(informer.listed()).toBe(true);
    expect(informer.informer.get('one', 'ns')?.metadata?.resourceVersion).toBe('7');
    expect(watch.opened).toHaveLength(1);
    // The watch ends with a non-410 error: ListWatch gives up, the helper restarts it after the first delay.
    watch.opened[0]!(new Error('stream reset'));
    await vi.advanceTimersByTimeAsync(0);
    expect(retryDelays(logs)).toEqual([100, 200, 100]);
    await vi.advanceTimersByTimeAsync(100);
    // ListWatch kept the resourceVersion, so the restart resumes the watch without listing again.
    expect(list).toHaveBeenCalledTimes(3);
    expect(watch.opened).toHaveLength(2);
  });

  it('a watch that ran healthy for the maximum delay restarts after the first delay again (no list in between)', async () => {
    const list = vi.fn(() => Promise.resolve(configMapList('7')));
    start(list);
    await vi.advanceTimersByTimeAsync(0);
    // Four separate blips: two right after each other (doubling), then each after a healthy stretch.
    watch.opened[0]!(new Error('blip 1'));
    await vi.advanceTimersByTimeAsync(100);
    watch.opened[1]!(new Error('blip 2'));
    await vi.advanceTimersByTimeAsync(200);
    await vi.advanceTimersByTimeAsync(300);
    watch.opened[2]!(new Error('blip 3'));
    await vi.advanceTimersByTimeAsync(100 + 300);
    watch.opened[3]!(new Error('blip 4'));
    await vi.advanceTimersByTimeAsync(0);
    expect(retryDelays(logs)).toEqual([100, 200, 100, 100]);
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('restarts when opening the watch itself throws', async () => {
    let throws = 1;
    const failingWatch = new (class extends FakeWatch {
      override watch(path: string, query: unknown, callback: unknown, done: Done): Promise<AbortController> {
        if (throws-- > 0) return Promise.reject(new Error('watch refused'));
        return super.watch(path, query, callback, done);
      }
    })();
    watch = failingWatch;
    const informer = start(() => Promise.resolve(configMapList('1')));
    await vi.advanceTimersByTimeAsync(0);
    expect(retryDelays(logs)).toEqual([100]);
    await vi.advanceTimersByTimeAsync(100);
    expect(informer.listed()).toBe(true);
    expect(failingWatch.opened).toHaveLength(1);
  });

  it('registers handlers before the first list, so listed objects reach them', async () => {
    const added: string[] = [];
    start(() => Promise.resolve(configMapList('3')), { onAdd: (object) => added.push(object.metadata?.name ?? '') });
    await vi.advanceTimersByTimeAsync(0);
    expect(added).toEqual(['one']);
  });

  it('stopped while a list is in flight: opens no watch and schedules no restart', async () => {
    const pending = deferred<KubernetesListObject<V1ConfigMap>>();
    const list = vi.fn(() => pending.promise);
    const informer = start(list);
    await vi.advanceTimersByTimeAsync(0);
    await informer.stop();
    pending.resolve(configMapList('5'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(watch.opened).toHaveLength(0);
    expect(list).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(informer.listed()).toBe(false);
    expect(retryDelays(logs)).toEqual([]);
  });

  it('an error after stop does nothing: no log, no restart, no new list', async () => {
    const list = vi.fn(() => Promise.resolve(configMapList('9')));
    const informer = start(list);
    await vi.advanceTimersByTimeAsync(0);
    expect(watch.opened).toHaveLength(1);
    await informer.stop();
    watch.opened[0]!(new Error('stream reset after stop'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(list).toHaveBeenCalledTimes(1);
    expect(watch.opened).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(retryDelays(logs)).toEqual([]);
  });

  it('stop cancels a scheduled restart', async () => {
    const list = vi.fn(() => Promise.reject(new Error('unavailable')));
    const informer = start(list);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await informer.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(list).toHaveBeenCalledTimes(1);
  });
});
