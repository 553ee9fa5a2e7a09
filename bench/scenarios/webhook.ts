import type { BenchResults } from '../report/model.js';

export interface WebhookPhaseOptions {
  loadgen: string;
  dir: string;
  log: (line: string) => void;
  results: BenchResults;
  withinBudget: (part: string, needMs: number) => boolean;
}

/** Placeholder until the webhook server lands: records why the webhook part did not run. */
export async function runWebhookPhases(options: WebhookPhaseOptions): Promise<void> {
  options.results.skips.push({ part: 'webhook', reason: 'not wired yet' });
}
