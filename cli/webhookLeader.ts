import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { Gauge } from 'prom-client';
import { createElector, DEFAULT_TIMING, runElection, systemClock } from '../webhook/cluster/leaderElection.js';
import { leaseApi } from '../webhook/cluster/leaseApi.js';
import type { WebhookContext, WebhookContributor } from './webhookContributor.js';

// One Lease per webhook process for the work only one replica should do: the drift check (and its evictions)
// and the background scan's Events (every replica scans and serves the metric; two replicas must not report
// each problem twice). Started on first use, shared like the ToolHive informers.

export const DEFAULT_LEASE_ID = 'mcp-header-forward-drift';
export const LEADER_METRIC = 'mcp_header_forward_leader';
/** With the 2 s retry period, once a minute. */
const LOG_EVERY_NTH_FAILURE = 30;

export interface Leadership {
  isLeader(): boolean;
  /** Called on every change; a replica that stops leading should forget what it reported. */
  onChange(listener: (leading: boolean) => void): void;
}

interface Running {
  leadership: Leadership;
  stop(): Promise<void>;
}

const shared = new WeakMap<WebhookContext, Running>();

export function sharedLeadership(context: WebhookContext): Leadership {
  let running = shared.get(context);
  if (running === undefined) {
    running = start(context);
    shared.set(context, running);
  }
  return running.leadership;
}

/** Owns the --leader-election flags and releases the Lease on shutdown; starts nothing itself. */
export function leaderElectionContributor(): WebhookContributor {
  const contexts: WebhookContext[] = [];
  return {
    name: 'leader-election',
    addOptions(command: Command) {
      command
        .addOption(new Option('--leader-election <true|false>', 'only the replica holding a coordination.k8s.io Lease runs the drift check and sends background-scan Events').choices(['true', 'false']).default('true'))
        .addOption(new Option('--leader-election-namespace <namespace>', 'namespace of the Lease (default: $POD_NAMESPACE, else mcp-header-forward)'))
        .addOption(new Option('--leader-election-id <name>', 'name of the Lease').default(DEFAULT_LEASE_ID));
    },
    routes(context) {
      contexts.push(context);
      return [];
    },
    async stop() {
      await Promise.allSettled(contexts.splice(0).map((context) => shared.get(context)?.stop()));
    },
  };
}

function start(context: WebhookContext): Running {
  const { options, kubeConfig, registry } = context;
  const logger = context.logger.child({ component: 'leader-election' });
  const gauge = new Gauge({ name: LEADER_METRIC, help: '1 while this replica holds the Lease (drift check and background-scan Events run here), or leader election is off', registers: [registry] });
  const listeners: ((leading: boolean) => void)[] = [];
  const notify = (leading: boolean): void => {
    gauge.set(leading ? 1 : 0);
    for (const listener of listeners) listener(leading);
  };
  if (options.leaderElection === 'false') {
    gauge.set(1);
    return { leadership: { isLeader: () => true, onChange: (l) => void listeners.push(l) }, stop: () => Promise.resolve() };
  }
  const namespace = typeof options.leaderElectionNamespace === 'string' ? options.leaderElectionNamespace : (process.env['POD_NAMESPACE'] ?? 'mcp-header-forward');
  const name = String(options.leaderElectionId ?? DEFAULT_LEASE_ID);
  const identity = `${process.env['POD_NAME'] ?? hostname()}_${randomUUID()}`;
  const lease = `${namespace}/${name}`;
  const config = { namespace, name, identity, ...DEFAULT_TIMING };
  const elector = createElector(config, leaseApi(kubeConfig, namespace, name), systemClock, {
    onStartedLeading: () => {
      logger.info({ lease, identity }, 'leading: drift check and background-scan Events run in this replica');
      notify(true);
    },
    onStoppedLeading: () => {
      logger.info({ lease, identity }, 'stopped leading: drift check and background-scan Events paused in this replica');
      notify(false);
    },
    // A lasting failure (say, no RBAC for Leases) is logged on the first try and then about once a minute.
    onError: (error, consecutive) => {
      if (consecutive !== 1 && consecutive % LOG_EVERY_NTH_FAILURE !== 0) return;
      logger.warn(
        { lease, error: error instanceof Error ? error.message : String(error), failedTries: consecutive },
        'leader election: Lease request failed; this replica does not lead until it works (RBAC: get/create/update leases in that namespace)',
      );
    },
    onRecovered: (failures) => logger.info({ lease, failedTries: failures }, 'leader election: Lease requests work again'),
  });
  const election = runElection(elector, config, systemClock);
  gauge.set(0);
  return { leadership: { isLeader: () => elector.isLeader(), onChange: (l) => void listeners.push(l) }, stop: () => election.stop() };
}
