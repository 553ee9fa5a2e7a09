// The parts of prom-client the sidecar uses, loaded without prom-client's index: the index loads every default
// metric, and process_cpu_* among them loads @opentelemetry/api for exemplars the sidecar never records
// (+7 MB RSS on Node 24 with prom-client 15.1.3, bench/sidecarModules.js). The same default metrics are
// registered, process_cpu_* by the copy below (prom-client's code without the exemplar branch); promCore.test.ts
// compares the exposition with prom-client's own collectDefaultMetrics. Paths are prom-client 15's CommonJS layout
// (it has no exports map): package.json pins the exact version, so a bump is a reviewed change.
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

const require = createRequire(import.meta.url);

export const Registry = require('prom-client/lib/registry.js') as typeof PromClient.Registry;
export const Counter = require('prom-client/lib/counter.js') as typeof PromClient.Counter;
export const Gauge = require('prom-client/lib/gauge.js') as typeof PromClient.Gauge;
export const Histogram = require('prom-client/lib/histogram.js') as typeof PromClient.Histogram;
export type Registry = PromClient.Registry;

/** prom-client's default metrics after process_cpu_*, in its order (lib/defaultMetrics.js). */
const DEFAULT_METRICS = [
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
  'gc',
] as const;

type DefaultMetric = (registry: Registry, config: { prefix: string; eventLoopMonitoringPrecision: number }) => void;

/** collectDefaultMetrics({ register, prefix }) as prom-client 15 does it. */
export function collectDefaultMetrics({ register, prefix }: { register: Registry; prefix: string }): void {
  processCpuTotal(register, prefix);
  for (const name of DEFAULT_METRICS) {
    (require(`prom-client/lib/metrics/${name}.js`) as DefaultMetric)(register, { prefix, eventLoopMonitoringPrecision: 10 });
  }
}

function processCpuTotal(register: Registry, prefix: string): void {
  let last = process.cpuUsage();
  const counter = (name: string, help: string, collect?: () => void): PromClient.Counter =>
    new Counter({ name: `${prefix}${name}`, help, registers: [register], ...(collect ? { collect } : {}) });
  // One metric's collect sets all three, as prom-client's does.
  const user = counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.', () => {
    const now = process.cpuUsage();
    const userMicros = now.user - last.user;
    const systemMicros = now.system - last.system;
    last = now;
    user.inc(userMicros / 1e6);
    system.inc(systemMicros / 1e6);
    total.inc((userMicros + systemMicros) / 1e6);
  });
  const system = counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.');
  const total = counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.');
}
