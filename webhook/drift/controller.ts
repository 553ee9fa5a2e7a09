import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import type { NamespaceLabels } from '../cluster/namespaceModes.js';
import type { InjectSettings } from '../mutate/settings.js';
import type { GetSecret } from '../validate/lookup.js';
import { checkPod, type PodCheckDeps } from './checkPod.js';
import { nextEviction, type EvictionState, type RemediationPod } from './evictionPlan.js';
import type { FindingKind } from './finding.js';
import type { DriftMetrics } from './metrics.js';
import { createSecretFollower } from './secretFollower.js';
import { driftPass, type PodEvent } from './state.js';
import type { ToolhiveLookup } from '../cluster/toolhiveIndex.js';

// The drift loop's I/O edge: list vMCP pods, find each one's drift with the injector's engine, publish the
// findings (gauge, Events), and with --remediate=evict take the one next step the eviction plan allows.

export type EvictOutcome = 'evicted' | 'blocked' | 'gone';

export interface DriftCluster {
  /** Pods labelled app.kubernetes.io/name=virtualmcpserver, every namespace. */
  listVmcpPods(): Promise<V1Pod[]>;
  /** POST pods/eviction: 'blocked' when a PodDisruptionBudget says not now (429), 'gone' when already deleted (404). */
  evict(namespace: string, name: string): Promise<EvictOutcome>;
}

export interface DriftOptions {
  cluster: DriftCluster;
  lookup: ToolhiveLookup;
  synced(): boolean;
  namespaceLabels: NamespaceLabels;
  settings: InjectSettings;
  hostBinding: { getSecret: GetSecret; requireHostBinding: boolean };
  remediate: 'none' | 'evict';
  /** --follow-secrets: a referenced Secret whose data changed after the sidecar started makes the pod stale. */
  followSecrets: boolean;
  dryRun: boolean;
  evictionsPerMinute: number;
  replacementTimeoutMs: number;
  emit(event: PodEvent): Promise<void>;
  metrics: DriftMetrics;
  logger: Logger;
  now?: () => number;
  /** Still the Lease holder? Checked after every wait, so a pass that outlives leadership acts no further. */
  leading?: () => boolean;
}

export interface DriftController {
  /** One pass: list, find, publish, maybe evict one pod. */
  pass(): Promise<void>;
  /** The latest finding per pod (`namespace/name`). */
  findings(): ReadonlyMap<string, FindingKind>;
  /** Forget what this replica saw (it stopped leading: the next leader starts fresh); a pass in flight stops acting. */
  reset(): void;
}

export function createDriftController(options: DriftOptions): DriftController {
  const now = options.now ?? Date.now;
  let remembered = new Map<string, FindingKind>();
  let latest = new Map<string, FindingKind>();
  let eviction: EvictionState = { pending: undefined, lastEvictionAt: undefined };
  const follower = options.followSecrets ? createSecretFollower(now) : undefined;
  const deps: PodCheckDeps = {
    lookup: options.lookup,
    injectLabel: (namespace) => options.namespaceLabels.label(namespace, INJECT_NAMESPACE_LABEL),
    settings: options.settings,
    hostBinding: options.hostBinding,
    ...(follower !== undefined ? { follower } : {}),
  };
  const dryRunTold = new Set<string>();
  const log = options.logger;
  // reset() starts a new epoch: a pass begun before it publishes nothing and evicts nothing after its next wait.
  let epoch = 0;

  const check = async (pod: V1Pod): Promise<RemediationPod | undefined> => {
    const checked = await checkPod(pod, deps);
    const namespace = pod.metadata?.namespace ?? '';
    if ('error' in checked) {
      log.warn({ pod: `${namespace}/${pod.metadata?.name ?? ''}`, error: checked.error }, 'drift check skipped this pod');
      return undefined;
    }
    return {
      namespace,
      name: pod.metadata?.name ?? '',
      uid: pod.metadata?.uid ?? '',
      finding: checked.finding,
      ownerUid: pod.metadata?.ownerReferences?.find((o) => o.controller === true)?.uid,
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      deleting: pod.metadata?.deletionTimestamp !== undefined,
    };
  };

  const remediate = async (pods: RemediationPod[]): Promise<void> => {
    const step = nextEviction(eviction, pods, now(), {
      perMinute: options.evictionsPerMinute,
      replacementTimeoutMs: options.replacementTimeoutMs,
    });
    if (step.action === 'none') {
      eviction = { ...eviction, pending: undefined };
      return;
    }
    if (step.action === 'wait') {
      log.debug({ why: step.why }, 'remediation waiting');
      return;
    }
    if (step.action === 'give-up-waiting') {
      log.warn({ why: step.why }, 'remediation: stopped waiting for a replacement; going on with the next pod');
      options.metrics.evictions.inc({ outcome: 'replacement-timeout' });
      eviction = { ...eviction, pending: undefined };
      return;
    }
    const { pod } = step;
    const where = `${pod.namespace}/${pod.name}`;
    if (options.dryRun) {
      if (!dryRunTold.has(pod.uid)) {
        dryRunTold.add(pod.uid);
        options.metrics.evictions.inc({ outcome: 'dry-run' });
        log.info({ pod: where, finding: pod.finding.finding }, 'remediation dry run: would evict this pod');
      }
      return;
    }
    const evictedIn = epoch;
    const outcome = await options.cluster.evict(pod.namespace, pod.name);
    options.metrics.evictions.inc({ outcome });
    // reset() while the eviction was in flight: the state it would write belongs to a leadership that is over.
    if (evictedIn !== epoch) return;
    if (outcome === 'blocked') {
      log.info({ pod: where }, 'remediation: eviction refused by a PodDisruptionBudget (429); retrying on a later pass');
      return;
    }
    log.info(
      { pod: where, finding: pod.finding.finding, outcome },
      'remediation: evicted pod so its owner recreates it through the webhook',
    );
    eviction = {
      pending: { evicted: pod, ownerUid: pod.ownerUid!, ownerPodsBefore: step.ownerPodsBefore, at: now() },
      lastEvictionAt: now(),
    };
  };

  return {
    async pass() {
      const started = epoch;
      const current = (): boolean => started === epoch && (options.leading?.() ?? true);
      if (!options.synced() || !current()) return;
      const listed = await options.cluster.listVmcpPods();
      if (!current()) return;
      const pods = (await Promise.all(listed.map(check))).filter((p): p is RemediationPod => p !== undefined);
      if (!current()) return;
      follower?.endPass();
      const result = driftPass(remembered, pods);
      remembered = result.remembered;
      latest = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p.finding.finding]));
      for (const [finding, count] of Object.entries(result.counts)) options.metrics.pods.set({ finding }, count);
      await Promise.all(
        result.events.map((event) =>
          options.emit(event).catch((error: unknown) => {
            log.warn(
              {
                pod: `${event.pod.namespace}/${event.pod.name}`,
                reason: event.reason,
                error: error instanceof Error ? error.message : String(error),
              },
              'could not record Event',
            );
          }),
        ),
      );
      for (const event of result.events) log.warn({ pod: `${event.pod.namespace}/${event.pod.name}`, reason: event.reason }, event.message);
      if (options.remediate === 'evict' && current()) await remediate(pods);
    },
    findings: () => latest,
    reset() {
      epoch += 1;
      remembered = new Map();
      latest = new Map();
      follower?.reset();
      eviction = { pending: undefined, lastEvictionAt: undefined };
      options.metrics.pods.reset();
    },
  };
}
