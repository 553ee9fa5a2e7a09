import type { Gauge, Registry } from 'prom-client';
import { registeredGauge } from '../registeredMetrics.js';
import { invalidCounts } from './scanState.js';
import type { ReportItem } from './types.js';

export const ENTRIES_INVALID_METRIC = 'mcp_header_forward_entries_invalid';
export const SCAN_COMPLETED_METRIC = 'mcp_header_forward_background_scan_last_completed_timestamp_seconds';
export const SCAN_INTERVAL_METRIC = 'mcp_header_forward_background_scan_interval_seconds';

export interface ScanMetrics {
  /** Replace the invalid-entry counts with those of `items` (series of fixed problems disappear). */
  setInvalid(items: Iterable<ReportItem>): void;
  scanCompleted(at: Date): void;
}

export function createScanMetrics(registry: Registry, intervalMs: number): ScanMetrics {
  const invalid = gauge(
    registry,
    ENTRIES_INVALID_METRIC,
    "MCPServerEntries failing the headerForward rules right now (background scan), by the entries' namespace and reason.",
    // Not `namespace`: scraped through a ServiceMonitor, Prometheus would rename it exported_namespace, since the
    // target's own `namespace` label (the webhook's) wins. Kyverno names the same label resource_namespace.
    ['resource_namespace', 'reason'],
  );
  const completed = gauge(
    registry,
    SCAN_COMPLETED_METRIC,
    'When the last full background scan of MCPServerEntries finished (Unix seconds): alert when it stops moving.',
    [],
  );
  // The stall alert compares the last pass with this, so it follows --scan-interval without editing the rule.
  gauge(registry, SCAN_INTERVAL_METRIC, 'The --scan-interval between full background scans, in seconds.', []).set(intervalMs / 1000);
  return {
    setInvalid(items) {
      invalid.reset();
      for (const { namespace, reason, count } of invalidCounts(items).values())
        invalid.set({ resource_namespace: namespace, reason }, count);
    },
    scanCompleted(at) {
      completed.set(at.getTime() / 1000);
    },
  };
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  return registeredGauge(registry, { name, help, labelNames });
}
