import { Option, type Command } from 'commander';
import { MODES, type Mode } from '../../contract/labels.js';
import { LOG_LEVELS, type LogLevel } from '../../contract/logLevels.js';
import { API_VERSIONS } from '../../contract/toolhive.js';
import { DEFAULT_ACCESS_CACHE_TTL_MS } from '../../webhook/cluster/accessCache.js';
import { DEFAULT_TOOLHIVE_VERSION } from '../../webhook/cluster/toolhiveInformers.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../../webhook/registrations/webhookConfigurations.js';
import { DEFAULT_LEASE_ID } from '../../webhook/app/leadership.js';
import { DEFAULT_TLS_RELOAD_INTERVAL_MS } from '../../webhook/server.js';
import { addSidecarOptions, type SidecarFlagValues } from '../flags/injector.js';
import { collect, listenAddress, millis, rate, wholeNumber } from '../flags/parsers.js';
import { DEFAULT_MAX_IN_FLIGHT_REVIEWS } from '../../webhook/admission/overload.js';
import type { FailurePolicy } from '../../webhook/registrations/webhookConfigurations.js';
import { missingSecretOption, requireHostBindingOption } from '../flags/secretRules.js';
import type { SecretPolicy } from '../../webhook/validate/secretPolicy.js';

// Every flag of `mcp-header-forward webhook`, in the groups `--help` shows, and the typed values commander hands
// over. Each parser names its flag; flags that must fit together are checked in config.ts.

export const DEFAULT_LISTEN = '0.0.0.0:8443';
/** controller-runtime's long-time metrics default: scrape configs and NetworkPolicies often expect it already. */
export const DEFAULT_METRICS_LISTEN = '0.0.0.0:8080';
/** Well below the API server's webhook timeout (DEFAULT_TIMEOUT_SECONDS), so a slow GET denies clearly. */
export const DEFAULT_SECRET_LOOKUP_TIMEOUT_MS = 2_000;
/** The API server caps webhook timeouts at 30 s. */
const MAX_WEBHOOK_TIMEOUT_MS = 30_000;
export const DEFAULT_SCAN_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_SCAN_RATE = 5;
export const DEFAULT_DRIFT_INTERVAL_MS = 60_000;
export const DEFAULT_REMEDIATE_RATE = 6;
const DAY_MS = 24 * 60 * 60_000;

type Switch = 'true' | 'false';

export interface WebhookFlags extends SidecarFlagValues, SecretPolicy {
  listen: { host: string; port: number };
  metricsListen: { host: string; port: number };
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsReloadInterval: number;
  clientCaFile?: string;
  clientName?: string[];
  maxInFlightReviews: number;
  failurePolicy: FailurePolicy;
  kubeconfig?: string;
  mode: Mode;
  secretLookupTimeout: number;
  logLevel: LogLevel;
  toolhiveApiVersion: string;
  authorizeSecretRefs: Switch;
  accessReviewCacheTtl: number;
  backgroundScan: Switch;
  scanInterval: number;
  scanRate: number;
  policyReports: Switch;
  driftCheck: Switch;
  driftInterval: number;
  driftSelector: string;
  remediate: 'none' | 'evict';
  followSecrets?: boolean;
  remediateDryRun?: boolean;
  remediateRate: number;
  leaderElection: Switch;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
}

const switchOption = (flags: string, description: string): Option =>
  new Option(flags, description).choices(['true', 'false']).default('true');

export function addWebhookFlags(command: Command): Command {
  // Serving
  command
    .addOption(
      new Option('--listen <host:port>', 'address to serve HTTPS on')
        .default(listenAddress('--listen')(DEFAULT_LISTEN), DEFAULT_LISTEN)
        .argParser(listenAddress('--listen')),
    )
    .addOption(
      new Option('--metrics-listen <host:port>', 'address to serve Prometheus /metrics on, plain HTTP (nothing else is served there)')
        .default(listenAddress('--metrics-listen')(DEFAULT_METRICS_LISTEN), DEFAULT_METRICS_LISTEN)
        .argParser(listenAddress('--metrics-listen')),
    )
    .requiredOption('--tls-cert-file <path>', 'PEM serving certificate (chain); reloaded when the file changes')
    .requiredOption('--tls-key-file <path>', 'PEM private key of the serving certificate; reloaded when the file changes')
    .addOption(
      new Option('--tls-reload-interval <ms>', 'how often to check the TLS files for changes')
        .default(DEFAULT_TLS_RELOAD_INTERVAL_MS)
        .argParser(millis('--tls-reload-interval', 10, 600_000)),
    )
    .option(
      '--client-ca-file <path>',
      'authenticate the API server: admission paths answer only clients with a certificate this PEM CA signed (health paths stay open)',
    )
    .addOption(
      new Option(
        '--client-name <cn>',
        'with --client-ca-file: accepted client certificate common names (repeatable; default: any the CA signed)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--max-in-flight-reviews <n>',
        'admission reviews worked on at once; one more is answered at once as overloaded (denied, or allowed with a warning under --failure-policy Ignore) instead of queueing past the webhook timeout',
      )
        .default(DEFAULT_MAX_IN_FLIGHT_REVIEWS)
        .argParser(wholeNumber('--max-in-flight-reviews', 1, 100_000)),
    )
    .addOption(
      new Option(
        '--failure-policy <policy>',
        'the failurePolicy of the /validate and /mutate registrations (Helm: webhook.failurePolicy): how an overloaded review is answered (/validate-secrets is always Ignore)',
      )
        .choices(['Fail', 'Ignore'])
        .default('Fail'),
    )
    .option('--kubeconfig <path>', 'kubeconfig to reach the API server (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'));
  // Validation (/validate, /validate-secrets)
  command
    .addOption(
      new Option(
        '--mode <mode>',
        'what a violation does: enforce (deny), warn (allow + warnings), audit (allow, log + metric); the namespace label mcp-header-forward.dev/mode overrides it',
      )
        .choices(MODES)
        .default('enforce'),
    )
    .addOption(
      new Option(
        '--secret-lookup-timeout <ms>',
        `bound for each Secret GET; keep it well below the webhook timeout (${DEFAULT_TIMEOUT_SECONDS}s)`,
      )
        .default(DEFAULT_SECRET_LOOKUP_TIMEOUT_MS)
        .argParser(millis('--secret-lookup-timeout', 50, MAX_WEBHOOK_TIMEOUT_MS - 1_000)),
    )
    .addOption(
      switchOption(
        '--authorize-secret-refs <true|false>',
        'deny entries whose author may not "get" a Secret they reference (SubjectAccessReview); false restores the pre-check behaviour',
      ),
    )
    .addOption(missingSecretOption())
    .addOption(requireHostBindingOption())
    .addOption(
      new Option(
        '--access-review-cache-ttl <ms>',
        'how long a positive SubjectAccessReview answer is reused (per user identity and Secret; 0 = never)',
      )
        .default(DEFAULT_ACCESS_CACHE_TTL_MS)
        .argParser(millis('--access-review-cache-ttl', 0, 60_000)),
    );
  // Injection (/mutate)
  addSidecarOptions(command).addOption(
    new Option('--toolhive-api-version <version>', 'version of toolhive.stacklok.dev to list and watch (the API server converts)')
      .choices(API_VERSIONS)
      .default(DEFAULT_TOOLHIVE_VERSION),
  );
  // Background scan
  command
    .addOption(
      switchOption(
        '--background-scan <true|false>',
        'check every stored MCPServerEntry on a timer and on change: metric mcp_header_forward_entries_invalid and Events on the entry',
      ),
    )
    .addOption(
      new Option(
        '--scan-interval <ms>',
        'how often the background scan re-checks every entry (Secrets are not watched: this bounds how late a deleted Secret is noticed)',
      )
        .default(DEFAULT_SCAN_INTERVAL_MS)
        .argParser(millis('--scan-interval', 1_000, DAY_MS)),
    )
    .addOption(
      new Option('--scan-rate <per-second>', 'Secret GETs per second the background scan may make (burst: twice that)')
        .default(DEFAULT_SCAN_RATE)
        .argParser(rate('--scan-rate', 'GETs per second', 1000)),
    )
    .addOption(
      switchOption(
        '--policy-reports <true|false>',
        'write the scan results as a PolicyReport (wgpolicyk8s.io/v1alpha2) per namespace from the Lease holder, when that CRD is installed',
      ),
    );
  // Drift check
  command
    .addOption(
      switchOption(
        '--drift-check <true|false>',
        'compare every vMCP pod with the sidecar it would get now: metric mcp_header_forward_pods{finding}, Events on the pod',
      ),
    )
    .addOption(
      new Option('--drift-interval <ms>', 'how often the drift check lists vMCP pods')
        .default(DEFAULT_DRIFT_INTERVAL_MS)
        .argParser(millis('--drift-interval', 1_000, DAY_MS)),
    )
    .addOption(
      new Option(
        '--drift-selector <labels>',
        'extra label selector ANDed with app.kubernetes.io/name=virtualmcpserver (e.g. tier=canary): check and remediate only those pods',
      ).default(''),
    )
    .addOption(
      new Option(
        '--remediate <none|evict>',
        'evict missing/stale/orphaned pods one at a time through the Eviction API so their owner recreates them',
      )
        .choices(['none', 'evict'])
        .default('none'),
    )
    .addOption(
      new Option(
        '--follow-secrets',
        "also mark pods stale whose sidecar started before a referenced Secret's data changed (GET by name each pass, no watch); with --remediate=evict they are restarted to pick the new value up",
      ),
    )
    .addOption(new Option('--remediate-dry-run', 'with --remediate=evict: log the pods that would be evicted, evict none'))
    .addOption(
      new Option('--remediate-rate <per-minute>', 'at most this many evictions a minute')
        .default(DEFAULT_REMEDIATE_RATE)
        .argParser(rate('--remediate-rate', 'evictions per minute', 600)),
    );
  // Leader election
  return command
    .addOption(
      switchOption(
        '--leader-election <true|false>',
        'only the replica holding a coordination.k8s.io Lease runs the drift check and sends background-scan Events',
      ),
    )
    .addOption(
      new Option('--leader-election-namespace <namespace>', 'namespace of the Lease (default: $POD_NAMESPACE, else mcp-header-forward)'),
    )
    .addOption(new Option('--leader-election-id <name>', 'name of the Lease').default(DEFAULT_LEASE_ID));
}
