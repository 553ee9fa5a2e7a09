import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { createElector, DEFAULT_TIMING, runElection, systemClock } from '../cluster/leaderElection.js';
import { leaseApi } from '../cluster/leaseApi.js';
import type { LeaderElectionConfig } from './config.js';

// One Lease per webhook process for the work only one replica should do: the drift check (and its evictions)
// and the background scan's Events (every replica scans and serves the metric; two replicas must not report
// each problem twice).

export const DEFAULT_LEASE_ID = 'mcp-header-forward-drift';
export const LEADER_METRIC = 'mcp_header_forward_leader';
/** With the 2 s retry period, once a minute. */
const LOG_EVERY_NTH_FAILURE = 30;

export interface Leadership {
  isLeader(): boolean;
  /** Called on every change; a replica that stops leading should forget what it reported. */
  onChange(listener: (leading: boolean) => void): void;
  /** Release the Lease (when held) and stop competing. */
  stop(): Promise<void>;
}

export function startLeadership(
  config: LeaderElectionConfig | false,
  kubeConfig: KubeConfig,
  registry: Registry,
  base: Logger,
): Leadership {
  const gauge = new Gauge({
    name: LEADER_METRIC,
    help: '1 while this replica holds the Lease (drift check and background-scan Events run here), or leader election is off',
    registers: [registry],
  });
  const listeners: ((leading: boolean) => void)[] = [];
  const onChange = (listener: (leading: boolean) => void): void => void listeners.push(listener);
  if (config === false) {
    gauge.set(1);
    return { isLeader: () => true, onChange, stop: async () => undefined };
  }
  const logger = base.child({ component: 'leader-election' });
  const notify = (leading: boolean): void => {
    gauge.set(leading ? 1 : 0);
    for (const listener of listeners) listener(leading);
  };
  const { namespace, name, identity } = config;
  const lease = `${namespace}/${name}`;
  const timing = { namespace, name, identity, ...DEFAULT_TIMING };
  const elector = createElector(timing, leaseApi(kubeConfig, namespace, name), systemClock, {
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
  const election = runElection(elector, timing, systemClock);
  gauge.set(0);
  return { isLeader: () => elector.isLeader(), onChange, stop: () => election.stop() };
}
