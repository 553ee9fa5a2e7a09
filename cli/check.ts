import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { millis, wholeNumber } from './flags/parsers.js';
import type { OutputFormat } from './check/format.js';
import { OVERLAYS, type Overlay } from './check/installPermissions.js';
import { DEFAULT_TARGET } from './check/target.js';
import type { CheckTarget, GatheredFacts } from './check/types.js';

// `mcp-header-forward check`: does the install work, and if not, what to do (like `linkerd check`). One
// gatherer reads the cluster (check/gather.ts), pure evaluators judge the facts (check/*.ts). Exit 0 when
// nothing failed (warnings allowed), 1 when a check failed, 2 for usage errors.

export interface CheckOptions {
  kubeconfig?: string;
  pre?: boolean;
  output: OutputFormat;
  namespace: string;
  deployment: string;
  service: string;
  tlsSecret: string;
  webhookConfiguration: string;
  probeNamespace: string;
  certWarningDays: number;
  overlay: Overlay;
  requestTimeout: number;
}

export interface CheckIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => Date;
  /** The cluster edge; tests of the command alone give facts directly. */
  gather?: (options: CheckOptions, target: CheckTarget) => Promise<GatheredFacts>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function kubernetesName(flag: string, pattern: RegExp): (value: string) => string {
  return (value) => {
    if (!pattern.test(value))
      throw new InvalidArgumentError(`${flag} must be a Kubernetes object name (lowercase letters, digits, '-'), got "${value}"`);
    return value;
  };
}

export function checkCommand(io: CheckIo = processIo()): Command {
  return new Command('check')
    .description(
      'Check that the install works (API server, ToolHive CRDs, webhook Deployment, certificates, admission, RBAC) and say how to fix what does not; exit 0 all pass (warnings allowed), 1 a check failed, 2 usage error',
    )
    .option('--kubeconfig <path>', 'cluster to check (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .option(
      '--pre',
      "before installing: only the API server, the Kubernetes version, ToolHive CRDs, your permissions to install and (--overlay cert-manager) cert-manager's CRDs",
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'))
    .addOption(
      new Option('-n, --namespace <namespace>', "the webhook's namespace")
        .default(DEFAULT_TARGET.namespace)
        .argParser(kubernetesName('--namespace', DNS_LABEL)),
    )
    .addOption(
      new Option('--deployment <name>', 'the webhook Deployment')
        .default(DEFAULT_TARGET.deployment)
        .argParser(kubernetesName('--deployment', DNS_SUBDOMAIN)),
    )
    .addOption(
      new Option('--service <name>', 'the webhook Service the API server calls')
        .default(DEFAULT_TARGET.service)
        .argParser(kubernetesName('--service', DNS_LABEL)),
    )
    .addOption(
      new Option('--tls-secret <name>', 'the Secret holding the serving certificate')
        .default(DEFAULT_TARGET.tlsSecret)
        .argParser(kubernetesName('--tls-secret', DNS_SUBDOMAIN)),
    )
    .addOption(
      new Option('--webhook-configuration <name>', 'name of the Validating/MutatingWebhookConfiguration')
        .default(DEFAULT_TARGET.configuration)
        .argParser(kubernetesName('--webhook-configuration', DNS_SUBDOMAIN)),
    )
    .addOption(
      new Option('--probe-namespace <namespace>', 'namespace of the dry-run MCPServerEntry (nothing is stored)')
        .default(DEFAULT_TARGET.probeNamespace)
        .argParser(kubernetesName('--probe-namespace', DNS_LABEL)),
    )
    .addOption(
      new Option('--cert-warning-days <days>', 'warn when the serving certificate expires sooner')
        .default(DEFAULT_TARGET.certWarningDays)
        .argParser(wholeNumber('--cert-warning-days', 0, 3650)),
    )
    .addOption(
      new Option('--overlay <overlay>', 'with --pre: the overlay you will install (Helm: certificates.source)')
        .choices(OVERLAYS)
        .default('self-signed'),
    )
    .addOption(
      new Option('--request-timeout <ms>', 'bound for each API request')
        .default(10_000)
        .argParser(millis('--request-timeout', 100, 120_000)),
    )
    .action(async (options: CheckOptions, self: Command) => {
      if (self.getOptionValueSource('overlay') === 'cli' && options.pre !== true) {
        self.error('error: --overlay only applies with --pre (the installed overlay is read from the cluster)', { exitCode: EXIT_USAGE });
      }
      process.exitCode = await runCheck(options, io);
    });
}

export function targetOf(options: CheckOptions): CheckTarget {
  return {
    namespace: options.namespace,
    deployment: options.deployment,
    service: options.service,
    tlsSecret: options.tlsSecret,
    configuration: options.webhookConfiguration,
    probeNamespace: options.probeNamespace,
    certWarningDays: options.certWarningDays,
  };
}

export async function runCheck(options: CheckOptions, io: CheckIo): Promise<number> {
  const target = targetOf(options);
  const [{ evaluate }, { formatResults }] = await Promise.all([import('./check/evaluate.js'), import('./check/format.js')]);
  let facts: GatheredFacts;
  try {
    facts = await (io.gather ?? gatherFromCluster(io))(options, target);
  } catch (error: unknown) {
    io.stderr(`check: could not finish reading the cluster: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  const results = await evaluate(facts);
  io.stdout(formatResults(options.output, facts.mode, results));
  return results.some((result) => result.status === 'fail') ? EXIT_FAILED : EXIT_OK;
}

// The Kubernetes client loads only when the command runs.
function gatherFromCluster(io: CheckIo): NonNullable<CheckIo['gather']> {
  return async (options, target) => {
    const { gatherFacts } = await import('./check/gather.js');
    return gatherFacts({
      kubeconfig: options.kubeconfig,
      pre: options.pre === true,
      overlay: options.overlay,
      target,
      timeoutMs: options.requestTimeout,
      now: io.now,
    });
  };
}

function processIo(): CheckIo {
  return { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text), now: () => new Date() };
}
