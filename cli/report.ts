import type { KubeConfig } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { mcpServerEntrySchema, type MCPServerEntry } from '../contract/toolhive.js';
import { entriesByNamespace } from '../webhook/validate/siblingEnvNames.js';
import { DEFAULT_NAMESPACE as DEFAULT_WEBHOOK_NAMESPACE } from '../webhook/registrations/webhookConfigurations.js';
import { policyReportsYaml, reportJson, reportText, reportYaml } from '../webhook/report/format.js';
import { policyReports } from '../webhook/report/policyReport.js';
import type { ReportItem } from '../webhook/report/types.js';
import { apiServerAnswered, describeApiError } from './apiErrors.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { requireHostBindingOption } from './flags/secretRules.js';
import type { InjectorFlagValues } from './report/injectorFlagsFromArgs.js';
import { addSidecarOptions, type SidecarFlagValues } from './flags/injector.js';
import { millis } from './flags/parsers.js';

// `mcp-header-forward report`: every stored MCPServerEntry through the webhook's rules, against the live cluster.
// Exit 0 all pass, 1 any fails (or could not be checked), 2 usage error or the cluster could not be read.

export interface ReportOptions extends Partial<SidecarFlagValues> {
  kubeconfig?: string;
  allNamespaces?: boolean;
  namespace?: string;
  output: ReportOutput;
  secretLookupTimeout: number;
  /** Also check vMCP pods against the sidecar the injector would give them now. */
  pods?: boolean;
  followSecrets?: boolean;
  /** `namespace/deployment` of the webhook: its namespace is never injected, its injector flags are read. */
  webhook?: string;
  requireHostBinding?: boolean;
  /** Flags given on this command line (they win over the webhook Deployment's). */
  explicitFlags?: ReadonlySet<string>;
}

export interface ReportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const DEFAULT_REPORT_SECRET_LOOKUP_TIMEOUT_MS = 5_000;
export const REPORT_OUTPUTS = ['text', 'json', 'yaml', 'policyreport'] as const;
export type ReportOutput = (typeof REPORT_OUTPUTS)[number];

export function reportCommand(io: ReportIo = processIo()): Command {
  const command = new Command('report')
    .description(
      'Check every MCPServerEntry in the cluster with the webhook rules (read as v1beta1; the API server converts v1alpha1 ones); exit 0 all pass, 1 any fails, 2 usage or cluster error',
    )
    .option('--kubeconfig <path>', 'cluster to read (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-n, --namespace <namespace>', "one namespace (default: the kubeconfig context's, else default)")
    .addOption(
      new Option(
        '-o, --output <format>',
        'text, json or yaml (the same document), or policyreport: the PolicyReports (wgpolicyk8s.io/v1alpha2) the webhook writes, as YAML',
      )
        .choices(REPORT_OUTPUTS)
        .default('text'),
    )
    .addOption(
      new Option('--secret-lookup-timeout <ms>', 'bound for each Secret GET')
        .default(DEFAULT_REPORT_SECRET_LOOKUP_TIMEOUT_MS)
        .argParser(millis('--secret-lookup-timeout', 50, 60_000)),
    )
    .option(
      '--pods',
      "also check vMCP pods: missing, stale or orphaned sidecar, as the webhook's drift check sees them (give the webhook's injector flags below when they are not the defaults)",
    )
    .option(
      '--follow-secrets',
      "with --pods: warn when a referenced Secret was last written by its data's manager after the sidecar started (a one-off report cannot tell a data change from other edits)",
    )
    .option(
      '--webhook <namespace/deployment>',
      'with --pods: the webhook Deployment; its namespace is never injected and its injector flags are used (flags given here win; "" reads none)',
      `${DEFAULT_WEBHOOK_NAMESPACE}/${DEFAULT_WEBHOOK_NAMESPACE}`,
    )
    .addOption(requireHostBindingOption())
    .action(async (options: ReportOptions, self: Command) => {
      const explicitFlags = new Set(Object.keys(options).filter((key) => self.getOptionValueSource(key) === 'cli'));
      process.exitCode = await runReport({ ...options, explicitFlags }, io);
    });
  // The injector's flags, as `webhook` and `inject` take them: --pods plans each pod with the same settings.
  return addSidecarOptions(command);
}

export async function runReport(options: ReportOptions, io: ReportIo): Promise<number> {
  if (options.allNamespaces === true && options.namespace !== undefined) {
    io.stderr('report: -A/--all-namespaces and -n/--namespace exclude each other; pass one\n');
    return EXIT_USAGE;
  }
  if (options.followSecrets === true && options.pods !== true) {
    io.stderr('report: --follow-secrets checks pods; add --pods\n');
    return EXIT_USAGE;
  }
  if (options.output === 'policyreport' && options.pods === true) {
    io.stderr(
      'report: -o policyreport prints the PolicyReports the webhook writes, which cover MCPServerEntries only; drop --pods, or use -o json or -o yaml\n',
    );
    return EXIT_USAGE;
  }
  let items: ReportItem[];
  try {
    items = await collect(options, io);
  } catch (error: unknown) {
    io.stderr(`report: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(render(items, options.output, io));
  return items.every((item) => item.status === 'pass') ? EXIT_OK : EXIT_FAILED;
}

function render(items: readonly ReportItem[], output: ReportOutput, io: ReportIo): string {
  if (output === 'json') return reportJson(items);
  if (output === 'yaml') return reportYaml(items);
  if (output === 'text') return reportText(items);
  // The webhook's own builder: what is printed here is what its background scan writes.
  const reports = policyReports(items);
  if (reports.length === 0) io.stderr('report: no MCPServerEntry in scope, so no PolicyReport\n');
  return policyReportsYaml(reports);
}

// The Kubernetes client loads only when the command runs.
async function collect(options: ReportOptions, io: ReportIo): Promise<ReportItem[]> {
  const [{ loadKubeConfig }, { createSecretGetter }, { listEntries }, { memoizeLookups, scanRawEntry }, { rulesFor }] = await Promise.all([
    import('../webhook/cluster/kubeConfig.js'),
    import('../webhook/cluster/secrets.js'),
    import('../webhook/cluster/entryList.js'),
    import('../webhook/report/scanEntry.js'),
    import('../webhook/validate/secretPolicy.js'),
  ]);
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  const namespace = options.allNamespaces === true ? undefined : (options.namespace ?? contextNamespace(kubeConfig) ?? 'default');
  const raw = await listEntries(kubeConfig, namespace).catch((error: unknown) => {
    const where = namespace === undefined ? 'in all namespaces' : `in namespace ${JSON.stringify(namespace)}`;
    const why = describeApiError(error, kubeConfig.getCurrentCluster()?.server);
    const fix = apiServerAnswered(error)
      ? ' (check that you may list mcpserverentries.toolhive.stacklok.dev: kubectl auth can-i list mcpserverentries.toolhive.stacklok.dev)'
      : '';
    throw new Error(`cannot list MCPServerEntries ${where}: ${why}${fix}`);
  });
  // Same Secret GET edge as the webhook, with this user's identity; each Secret read once per run.
  const getSecret = memoizeLookups(createSecretGetter({ kubeConfig, timeoutMs: options.secretLookupTimeout }));
  // With --pods, the webhook Deployment's flags (injector, --require-host-binding) apply to entries and pods alike.
  const webhook = options.pods === true ? await webhookFlags(kubeConfig, options, io) : undefined;
  const requireHostBinding = (webhook?.values ?? options).requireHostBinding === true;
  // As the webhook's background scan: a missing Secret always counts (--missing-secret=warn is for admission only).
  const rules = rulesFor({ missingSecret: 'deny', requireHostBinding });
  const items: ReportItem[] = [];
  const siblings = readableEntriesByNamespace(raw);
  for (const object of raw) items.push(await scanRawEntry(object, getSecret, rules, siblings.get(namespaceOf(object)) ?? []));
  if (webhook !== undefined) {
    const { collectPodItems } = await import('./report/pods.js');
    items.push(
      ...(await collectPodItems(kubeConfig, raw, {
        namespace,
        sidecar: webhook.values,
        webhookNamespace: webhook.namespace,
        followSecrets: options.followSecrets === true,
        requireHostBinding,
        getSecret,
      })),
    );
  }
  // Entries first, then pods; each by namespace and name.
  return items.sort((a, b) => kindOrder(a) - kindOrder(b) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

async function webhookFlags(
  kubeConfig: KubeConfig,
  options: ReportOptions,
  io: ReportIo,
): Promise<{ values: InjectorFlagValues; namespace: string }> {
  const { injectorFlagsOf } = await import('./report/webhookFlags.js');
  const own = { ...(options as SidecarFlagValues), requireHostBinding: options.requireHostBinding === true };
  const webhook = injectorFlagsOf(kubeConfig, options.webhook ?? '', own, options.explicitFlags ?? new Set());
  const settings = await webhook.sidecar;
  if (settings.notice !== undefined) io.stderr(`report --pods: ${settings.notice}\n`);
  return { values: settings.values, namespace: webhook.namespace };
}

/** Readable entries by namespace: the same-group env var collision rule compares each entry with these. */
function readableEntriesByNamespace(raw: readonly unknown[]): Map<string, MCPServerEntry[]> {
  const entries = raw.flatMap((object) => {
    const parsed = mcpServerEntrySchema.safeParse(object);
    return parsed.success ? [parsed.data] : [];
  });
  return entriesByNamespace(entries);
}

function namespaceOf(object: unknown): string {
  const namespace = (object as { metadata?: { namespace?: unknown } } | null)?.metadata?.namespace;
  return typeof namespace === 'string' ? namespace : '';
}

function kindOrder(item: ReportItem): number {
  return item.kind === 'Pod' ? 1 : 0;
}

function contextNamespace(kubeConfig: {
  getCurrentContext(): string;
  getContextObject(name: string): { namespace?: string } | null;
}): string | undefined {
  const namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return namespace === undefined || namespace === '' ? undefined : namespace;
}

function processIo(): ReportIo {
  return { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
}
