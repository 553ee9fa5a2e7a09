import { InvalidArgumentError, Option, type Command } from 'commander';
import { cachedForHostBinding } from '../webhook/cluster/bindingCache.js';
import { driftCluster } from '../webhook/cluster/driftCluster.js';
import { createEventRecorder } from '../webhook/cluster/events.js';
import { createDriftController } from '../webhook/drift/controller.js';
import { createDriftMetrics } from '../webhook/drift/metrics.js';
import { injectSettingsFrom, type SidecarFlagValues } from './sidecarFlags.js';
import type { WebhookContributor } from './webhookContributor.js';
import { millis } from './webhookFlags.js';
import { sharedLeadership } from './webhookLeader.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

// The drift loop (issue 11): no route of its own; a timer in the replica that holds the Lease.

export const DEFAULT_DRIFT_INTERVAL_MS = 60_000;
export const DEFAULT_REMEDIATE_RATE = 6;
const REPLACEMENT_TIMEOUT_MS = 10 * 60_000;

export function driftContributor(): WebhookContributor {
  let stopLoop: (() => Promise<void>) | undefined;
  return {
    name: 'drift',
    addOptions(command: Command) {
      command
        .addOption(new Option('--drift-check <true|false>', 'compare every vMCP pod with the sidecar it would get now: metric mcp_header_forward_pods{finding}, Events on the pod').choices(['true', 'false']).default('true'))
        .addOption(new Option('--drift-interval <ms>', 'how often the drift check lists vMCP pods').default(DEFAULT_DRIFT_INTERVAL_MS).argParser(millis('--drift-interval', 1_000, 24 * 60 * 60_000)))
        .addOption(new Option('--drift-selector <labels>', 'extra label selector ANDed with app.kubernetes.io/name=virtualmcpserver (e.g. tier=canary): check and remediate only those pods').default(''))
        .addOption(new Option('--remediate <none|evict>', 'evict missing/stale/orphaned pods one at a time through the Eviction API so their owner recreates them').choices(['none', 'evict']).default('none'))
        .addOption(new Option('--follow-secrets', 'also mark pods stale whose sidecar started before a referenced Secret\'s data changed (GET by name each pass, no watch); with --remediate=evict they are restarted to pick the new value up'))
        .addOption(new Option('--remediate-dry-run', 'with --remediate=evict: log the pods that would be evicted, evict none'))
        .addOption(new Option('--remediate-rate <per-minute>', 'at most this many evictions a minute').default(DEFAULT_REMEDIATE_RATE).argParser(perMinute));
    },
    routes(context) {
      const { options, logger: base, registry, kubeConfig } = context;
      if (options.driftCheck === 'false') {
        base.info('drift check off (--drift-check=false)');
        return [];
      }
      if (options.remediateDryRun === true && options.remediate !== 'evict') {
        throw new Error('--remediate-dry-run needs --remediate=evict (it shows what that would evict)');
      }
      const logger = base.child({ component: 'drift' });
      const informers = sharedToolhiveInformers(context);
      const metrics = createDriftMetrics(registry);
      const record = createEventRecorder({ kubeConfig });
      const leadership = sharedLeadership(context);
      const controller = createDriftController({
        cluster: driftCluster(kubeConfig, String(options.driftSelector)),
        lookup: informers,
        synced: () => informers.synced(),
        namespaceLabels: context.namespaceLabels,
        settings: injectSettingsFrom(options as unknown as SidecarFlagValues),
        hostBinding: { getSecret: cachedForHostBinding(context.getSecret), requireHostBinding: options.requireHostBinding === true },
        remediate: options.remediate === 'evict' ? 'evict' : 'none',
        followSecrets: options.followSecrets === true,
        dryRun: options.remediateDryRun === true,
        evictionsPerMinute: Number(options.remediateRate),
        replacementTimeoutMs: REPLACEMENT_TIMEOUT_MS,
        emit: (event) => record({ type: 'Warning', reason: event.reason, message: event.message, regarding: { kind: 'Pod', apiVersion: 'v1', ...event.pod } }),
        metrics,
        logger,
        leading: () => leadership.isLeader(),
      });
      const intervalMs = Number(options.driftInterval);
      // A replica that stops leading forgets its findings: the next leader starts fresh.
      leadership.onChange((leading) => {
        if (!leading) controller.reset();
      });
      let running: Promise<void> | undefined;
      const timer = setInterval(() => {
        if (running !== undefined || !leadership.isLeader()) return;
        running = controller
          .pass()
          .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'drift check pass failed'))
          .finally(() => (running = undefined));
      }, intervalMs);
      stopLoop = async () => {
        clearInterval(timer);
        // No eviction after shutdown began (the Lease may be released meanwhile); wait for the pass to wind down.
        controller.reset();
        await running;
      };
      logger.info({ intervalMs, remediate: options.remediate, followSecrets: options.followSecrets === true, dryRun: options.remediateDryRun === true, leaderElection: options.leaderElection }, 'drift check on');
      return [];
    },
    async stop() {
      await stopLoop?.();
    },
  };
}

function perMinute(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 600) throw new InvalidArgumentError(`--remediate-rate must be a number of evictions per minute in (0, 600], got "${value}"`);
  return n;
}
