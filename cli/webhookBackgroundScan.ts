import { InvalidArgumentError, Option, type Command } from 'commander';
import { createEventRecorder } from '../webhook/cluster/events.js';
import { rateLimited } from '../webhook/cluster/lookupMetrics.js';
import { startBackgroundScan, type BackgroundScan } from '../webhook/report/backgroundScan.js';
import { createScanMetrics } from '../webhook/report/metrics.js';
import { TokenBucket } from '../webhook/report/tokenBucket.js';
import { rulesFor } from '../webhook/validate/secretPolicy.js';
import type { WebhookContributor } from './webhookContributor.js';
import { millis } from './webhookFlags.js';
import { sharedLeadership } from './webhookLeader.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

export const DEFAULT_SCAN_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_SCAN_RATE = 5;

/** The background scan: no route of its own; metrics and Events from the webhook process. */
export function backgroundScanContributor(): WebhookContributor {
  let scan: BackgroundScan | undefined;
  return {
    name: 'background-scan',
    addOptions(command: Command) {
      command
        .addOption(
          new Option('--background-scan <true|false>', 'check every stored MCPServerEntry on a timer and on change: metric mcp_header_forward_entries_invalid and Events on the entry')
            .choices(['true', 'false'])
            .default('true'),
        )
        .addOption(
          new Option('--scan-interval <ms>', 'how often the background scan re-checks every entry (Secrets are not watched: this bounds how late a deleted Secret is noticed)')
            .default(DEFAULT_SCAN_INTERVAL_MS)
            .argParser(millis('--scan-interval', 1_000, 24 * 60 * 60_000)),
        )
        .addOption(
          new Option('--scan-rate <per-second>', 'Secret GETs per second the background scan may make (burst: twice that)')
            .default(DEFAULT_SCAN_RATE)
            .argParser(rate),
        );
    },
    routes(context) {
      const { options, logger, registry } = context;
      if (options.backgroundScan === 'false') {
        logger.info('background scan off (--background-scan=false)');
        return [];
      }
      const informers = sharedToolhiveInformers(context);
      const leadership = sharedLeadership(context);
      const perSecond = Number(options.scanRate);
      const bucket = new TokenBucket({ ratePerSecond: perSecond, burst: Math.max(1, Math.ceil(perSecond * 2)) });
      scan = startBackgroundScan({
        entries: () => informers.allEntries(),
        onEntryChange: (listener) => informers.onEntryChange(listener),
        synced: () => informers.synced(),
        getSecret: rateLimited(context.getSecret, bucket),
        // Missing Secrets always count here: --missing-secret=warn admits them for GitOps ordering, not for good.
        rules: rulesFor({ missingSecret: 'deny', requireHostBinding: options.requireHostBinding === true }),
        intervalMs: Number(options.scanInterval),
        emit: createEventRecorder({ kubeConfig: context.kubeConfig }),
        leading: () => leadership.isLeader(),
        metrics: createScanMetrics(registry),
        logger: logger.child({ component: 'background-scan' }),
      });
      // A replica that starts leading tells the current problems now, not an interval later.
      leadership.onChange((leading) => {
        if (!leading || scan === undefined || !informers.synced()) return;
        // A pass already running decided its Events before the Lease was won: run a fresh one after it.
        scan.rescan().catch((error: unknown) => logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background scan failed'));
      });
      logger.info({ intervalMs: options.scanInterval, secretGetsPerSecond: perSecond }, 'background scan on');
      return [];
    },
    async stop() {
      await scan?.stop();
    },
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1000) throw new InvalidArgumentError(`--scan-rate must be a number of GETs per second in (0, 1000], got "${value}"`);
  return n;
}
