import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { cachedForHostBinding } from '../webhook/cluster/bindingCache.js';
import { driftCluster } from '../webhook/cluster/driftCluster.js';
import { createEventRecorder } from '../webhook/cluster/events.js';
import { createElector, DEFAULT_TIMING, runElection, systemClock, type Elector } from '../webhook/cluster/leaderElection.js';
import { leaseApi } from '../webhook/cluster/leaseApi.js';
import { createDriftController } from '../webhook/drift/controller.js';
import { createDriftMetrics } from '../webhook/drift/metrics.js';
import { injectSettingsFrom, type SidecarFlagValues } from './sidecarFlags.js';
import type { WebhookContributor } from './webhookContributor.js';
import { millis } from './webhookFlags.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

// The drift loop (issue 11): no route of its own; a timer in the replica that holds the Lease.

export const DEFAULT_DRIFT_INTERVAL_MS = 60_000;
export const DEFAULT_REMEDIATE_RATE = 6;
export const DEFAULT_LEASE_ID = 'mcp-header-forward-drift';
const REPLACEMENT_TIMEOUT_MS = 10 * 60_000;
/** With the 2 s retry period, once a minute. */
const LOG_EVERY_NTH_FAILURE = 30;

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
        .addOption(new Option('--remediate-rate <per-minute>', 'at most this many evictions a minute').default(DEFAULT_REMEDIATE_RATE).argParser(perMinute))
        .addOption(new Option('--leader-election <true|false>', 'only the replica holding a coordination.k8s.io Lease runs the drift check').choices(['true', 'false']).default('true'))
        .addOption(new Option('--leader-election-namespace <namespace>', 'namespace of the Lease (default: $POD_NAMESPACE, else mcp-header-forward)'))
        .addOption(new Option('--leader-election-id <name>', 'name of the Lease').default(DEFAULT_LEASE_ID));
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
      });
      const intervalMs = Number(options.driftInterval);
      let elector: Elector | undefined;
      if (options.leaderElection !== 'false') {
        const namespace = typeof options.leaderElectionNamespace === 'string' ? options.leaderElectionNamespace : (process.env['POD_NAMESPACE'] ?? 'mcp-header-forward');
        const name = String(options.leaderElectionId);
        const identity = `${process.env['POD_NAME'] ?? hostname()}_${randomUUID()}`;
        const config = { namespace, name, identity, ...DEFAULT_TIMING };
        elector = createElector(config, leaseApi(kubeConfig, namespace, name), systemClock, {
          onStartedLeading: () => {
            metrics.leader.set(1);
            logger.info({ lease: `${namespace}/${name}`, identity }, 'leading: drift check runs in this replica');
          },
          onStoppedLeading: () => {
            metrics.leader.set(0);
            controller.reset();
            logger.info({ lease: `${namespace}/${name}`, identity }, 'stopped leading: drift check paused in this replica');
          },
          // A lasting failure (say, no RBAC for Leases) is logged on the first try and then about once a minute.
          onError: (error, consecutive) => {
            if (consecutive !== 1 && consecutive % LOG_EVERY_NTH_FAILURE !== 0) return;
            logger.warn(
              { lease: `${namespace}/${name}`, error: error instanceof Error ? error.message : String(error), failedTries: consecutive },
              'leader election: Lease request failed; the drift check waits until this replica holds the Lease (RBAC: get/create/update leases in that namespace)',
            );
          },
          onRecovered: (failures) => logger.info({ lease: `${namespace}/${name}`, failedTries: failures }, 'leader election: Lease requests work again'),
        });
        const election = runElection(elector, config, systemClock);
        stopLoop = () => election.stop();
      } else {
        metrics.leader.set(1);
      }
      let running = false;
      const timer = setInterval(() => {
        if (running || (elector !== undefined && !elector.isLeader())) return;
        running = true;
        controller
          .pass()
          .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'drift check pass failed'))
          .finally(() => (running = false));
      }, intervalMs);
      const previousStop = stopLoop;
      stopLoop = async () => {
        clearInterval(timer);
        await previousStop?.();
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
