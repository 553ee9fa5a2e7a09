import type { Mode } from '../../contract/labels.js';
import type { LogLevel } from '../../contract/logLevels.js';
import type { InjectSettings } from '../mutate/settings.js';
import type { SecretPolicy } from '../validate/secretPolicy.js';
import type { FailurePolicy } from '../registrations/webhookConfigurations.js';

// Everything `mcp-header-forward webhook` runs on, as plain typed data: built once from the flags
// (cli/webhook/config.ts), read by the launcher (launcher.ts). A part that is off is `false`, never half-set.

export interface ServerConfig {
  listen: { host: string; port: number };
  tls: { certFile: string; keyFile: string };
  tlsReloadIntervalMs: number;
  /** Admission paths answer only clients this CA signed (names: accepted common names, empty = any). */
  clientAuth?: { caFile: string; names: readonly string[] };
  /** Admission control (webhook/admission/overload.ts). */
  overload: { maxInFlight: number; failurePolicy: FailurePolicy };
}

export interface MetricsConfig {
  /** Plain HTTP, /metrics only (webhook/metricsServer.ts); port 0 picks a free one. */
  listen: { host: string; port: number };
}

export interface ValidateConfig extends SecretPolicy {
  /** SubjectAccessReview: may the entry's author read the Secrets it references? */
  authorizeSecretRefs: boolean;
  accessReviewCacheTtlMs: number;
}

export interface BackgroundScanConfig {
  intervalMs: number;
  secretGetsPerSecond: number;
  /** Write the verdicts as PolicyReports (wgpolicyk8s.io/v1alpha2) from the Lease holder, when that CRD is installed. */
  policyReports: boolean;
}

export interface DriftConfig {
  intervalMs: number;
  /** Extra label selector ANDed with the vMCP pod label ('' = none). */
  selector: string;
  remediate: 'none' | 'evict';
  followSecrets: boolean;
  dryRun: boolean;
  evictionsPerMinute: number;
}

export interface LeaderElectionConfig {
  namespace: string;
  name: string;
  /** Unique per process: pod name plus a random suffix. */
  identity: string;
}

export interface WebhookConfig {
  server: ServerConfig;
  metrics: MetricsConfig;
  /** Path of a kubeconfig; undefined: $KUBECONFIG, ~/.kube/config, then in-cluster. */
  kubeconfig: string | undefined;
  logLevel: LogLevel;
  /** What a violation does unless the namespace label says otherwise. */
  mode: Mode;
  /** Bound for each Secret GET and for one review's lookups together. */
  secretLookupTimeoutMs: number;
  toolhiveApiVersion: string;
  validate: ValidateConfig;
  inject: InjectSettings;
  backgroundScan: BackgroundScanConfig | false;
  drift: DriftConfig | false;
  /** false: this replica acts as leader (one replica, or tests). */
  leaderElection: LeaderElectionConfig | false;
}
