// promCore registers the same default metrics as prom-client's own collectDefaultMetrics: names, help, types, order.
import * as promClient from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectDefaultMetrics, Registry } from './promCore.js';

const PREFIX = 'test_';

async function shape(registry: promClient.Registry): Promise<{ name: string; help: string; type: string; labels: string[] }[]> {
  const metrics = await registry.getMetricsAsJSON();
  return metrics.map((m) => ({
    name: m.name,
    help: m.help,
    type: String(m.type),
    labels: [...new Set(m.values.flatMap((v) => Object.keys(v.labels)))].sort(),
  }));
}

describe('promCore.collectDefaultMetrics', () => {
  it('registers what prom-client registers', async () => {
    const ours = new Registry();
    collectDefaultMetrics({ register: ours, prefix: PREFIX });
    const theirs = new promClient.Registry();
    promClient.collectDefaultMetrics({ register: theirs, prefix: PREFIX });
    const expected = await shape(theirs);
    expect(expected.map((m) => m.name)).toContain(`${PREFIX}process_cpu_seconds_total`);
    expect(await shape(ours)).toEqual(expected);
  });

  it('counts CPU time as prom-client does: user + system = total, growing', async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: PREFIX });
    const value = async (name: string): Promise<number> => (await registry.getSingleMetric(`${PREFIX}${name}`)!.get()).values[0]!.value;
    const started = process.cpuUsage();
    while (process.cpuUsage(started).user < 20_000); // burn 20 ms of CPU
    const user = await value('process_cpu_user_seconds_total');
    const system = await value('process_cpu_system_seconds_total');
    const total = await value('process_cpu_seconds_total');
    expect(user).toBeGreaterThanOrEqual(0.02);
    expect(total).toBeCloseTo(user + system, 6);
  });
});
