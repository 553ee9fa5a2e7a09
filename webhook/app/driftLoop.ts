import type { Logger } from 'pino';
import { driftCluster } from '../cluster/driftCluster.js';
import { createEventRecorder } from '../cluster/events.js';
import { createDriftController } from '../drift/controller.js';
import { createDriftMetrics } from '../drift/metrics.js';
import type { Clients } from './clients.js';
import type { DriftConfig, WebhookConfig } from './config.js';
import type { Runnable } from './runnables.js';

// The drift check (issue 11): every vMCP pod compared with the sidecar it would get now, on a timer, in the
// replica that holds the Lease; with --remediate=evict, stale pods evicted one at a time.

const REPLACEMENT_TIMEOUT_MS = 10 * 60_000;

export function driftLoop(drift: DriftConfig, config: WebhookConfig, clients: Clients, base: Logger): Runnable {
  const logger = base.child({ component: 'drift' });
  const record = createEventRecorder({ kubeConfig: clients.kubeConfig });
  const controller = createDriftController({
    cluster: driftCluster(clients.kubeConfig, drift.selector),
    lookup: clients.toolhive,
    synced: () => clients.toolhive.synced(),
    namespaceLabels: clients.namespaces,
    settings: config.inject,
    hostBinding: { getSecret: clients.bindingSecrets, requireHostBinding: config.validate.requireHostBinding },
    remediate: drift.remediate,
    followSecrets: drift.followSecrets,
    dryRun: drift.dryRun,
    evictionsPerMinute: drift.evictionsPerMinute,
    replacementTimeoutMs: REPLACEMENT_TIMEOUT_MS,
    emit: (event) =>
      record({ type: 'Warning', reason: event.reason, message: event.message, regarding: { kind: 'Pod', apiVersion: 'v1', ...event.pod } }),
    metrics: createDriftMetrics(clients.registry),
    logger,
    // A pass that outlives the Lease acts no further.
    leading: () => clients.leadership.isLeader(),
  });
  logger.info(
    {
      intervalMs: drift.intervalMs,
      remediate: drift.remediate,
      followSecrets: drift.followSecrets,
      dryRun: drift.dryRun,
      leaderElection: config.leaderElection !== false,
    },
    'drift check on',
  );
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    name: 'drift check',
    leaderOnly: true,
    start() {
      timer = setInterval(() => {
        if (running !== undefined) return;
        running = controller
          .pass()
          .catch((error: unknown) =>
            logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'drift check pass failed'),
          )
          .finally(() => (running = undefined));
      }, drift.intervalMs);
    },
    async stop() {
      clearInterval(timer);
      // No eviction after this (the Lease may be gone); the next leader starts with fresh findings.
      controller.reset();
      await running;
    },
  };
}
