import type { WebhookLatency } from './model.js';
import { histogramDelta, mergeHistograms, parseHistograms, quantile, type Histogram } from './promHistogram.js';

// The API server's own timing of each webhook call, from its /metrics text: per webhook (all operations and
// outcomes merged), over a whole run or over one burst (the difference of two scrapes). Pure.

export const ADMISSION_METRIC = 'apiserver_admission_webhook_admission_duration_seconds';

export function admissionHistograms(metricsText: string): Histogram[] {
  return parseHistograms(metricsText, ADMISSION_METRIC);
}

/** One row per webhook (type + name) with any calls; `include` filters by webhook name. */
export function webhookLatencies(histograms: readonly Histogram[], include: (name: string) => boolean = () => true): WebhookLatency[] {
  const byWebhook = new Map<string, Histogram[]>();
  for (const h of histograms.filter((x) => include(x.labels.name ?? ''))) {
    const key = `${h.labels.type}\0${h.labels.name}`;
    byWebhook.set(key, [...(byWebhook.get(key) ?? []), h]);
  }
  return [...byWebhook.entries()]
    .map(([key, group]) => {
      const [type, name] = key.split('\0') as [string, string];
      const merged = mergeHistograms(group, { type, name });
      return { name, type, count: merged.count, p50ms: quantile(merged, 0.5) * 1000, p99ms: quantile(merged, 0.99) * 1000 };
    })
    .filter((w) => w.count > 0);
}

/** The webhook calls the API server timed between two scrapes of its /metrics. */
export function webhookLatenciesBetween(beforeText: string, afterText: string): WebhookLatency[] {
  return webhookLatencies(histogramDelta(admissionHistograms(afterText), admissionHistograms(beforeText)));
}
