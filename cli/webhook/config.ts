import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { WebhookConfig } from '../../webhook/app/config.js';
import { DEFAULT_NAMESPACE } from '../../webhook/registrations/webhookConfigurations.js';
import { injectSettingsFrom } from '../flags/injector.js';
import { isTrue } from '../flags/parsers.js';
import type { WebhookFlags } from './flags.js';

/** Parsed flags (and the pod's env) -> the one typed config. Throws naming the flag when flags do not fit together. */
export function webhookConfigFrom(flags: WebhookFlags, env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  refuseFlagsThatClash(flags);
  const backgroundScan = isTrue(flags.backgroundScan)
    ? { intervalMs: flags.scanInterval, secretGetsPerSecond: flags.scanRate, policyReports: isTrue(flags.policyReports) }
    : false;
  const drift = isTrue(flags.driftCheck)
    ? {
        intervalMs: flags.driftInterval,
        selector: flags.driftSelector,
        remediate: flags.remediate,
        followSecrets: flags.followSecrets === true,
        dryRun: flags.remediateDryRun === true,
        evictionsPerMinute: flags.remediateRate,
      }
    : false;
  // No loop needs a leader when both are off: then no Lease is taken (and no RBAC for it needed).
  const needsLeader = backgroundScan !== false || drift !== false;
  return {
    server: {
      listen: flags.listen,
      tls: { certFile: flags.tlsCertFile, keyFile: flags.tlsKeyFile },
      tlsReloadIntervalMs: flags.tlsReloadInterval,
      ...(flags.clientCaFile !== undefined ? { clientAuth: { caFile: flags.clientCaFile, names: flags.clientName ?? [] } } : {}),
      overload: { maxInFlight: flags.maxInFlightReviews, failurePolicy: flags.failurePolicy },
    },
    metrics: { listen: flags.metricsListen },
    kubeconfig: flags.kubeconfig,
    logLevel: flags.logLevel,
    mode: flags.mode,
    secretLookupTimeoutMs: flags.secretLookupTimeout,
    toolhiveApiVersion: flags.toolhiveApiVersion,
    validate: {
      authorizeSecretRefs: isTrue(flags.authorizeSecretRefs),
      accessReviewCacheTtlMs: flags.accessReviewCacheTtl,
      missingSecret: flags.missingSecret,
      requireHostBinding: flags.requireHostBinding,
    },
    inject: injectSettingsFrom(flags, env),
    backgroundScan,
    drift,
    leaderElection:
      needsLeader && isTrue(flags.leaderElection)
        ? {
            namespace: flags.leaderElectionNamespace ?? env['POD_NAMESPACE'] ?? DEFAULT_NAMESPACE,
            name: flags.leaderElectionId,
            identity: `${env['POD_NAME'] ?? hostname()}_${randomUUID()}`,
          }
        : false,
  };
}

function refuseFlagsThatClash(flags: WebhookFlags): void {
  if (flags.remediateDryRun === true && flags.remediate !== 'evict') {
    throw new Error('--remediate-dry-run needs --remediate=evict (it shows what that would evict)');
  }
  if (flags.clientName !== undefined && flags.clientCaFile === undefined) {
    throw new Error('--client-name needs --client-ca-file (the CA that signs the names it accepts)');
  }
  if (flags.listen.port !== 0 && flags.listen.port === flags.metricsListen.port) {
    throw new Error(`--listen and --metrics-listen are both port ${flags.listen.port}: give metrics a port of their own`);
  }
}
