import { Command, Option } from 'commander';
import { mcpServerEntrySchema, type MCPServerEntry } from '../contract/toolhive.js';
import { checkEntry } from '../webhook/validate/checkEntry.js';
import type { GetSecret } from '../webhook/validate/lookup.js';
import { REASONS } from '../webhook/validate/reasons.js';
import { entriesByNamespace } from '../webhook/validate/siblingEnvNames.js';
import { rulesFor } from '../webhook/validate/secretPolicy.js';
import type { Rule, SecretLookup } from '../webhook/validate/types.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { missingSecretOption, requireHostBindingOption, secretRuleFlags } from './flags/secretRules.js';
import { millis } from './flags/parsers.js';
import {
  DEFAULT_NAMESPACE,
  InputError,
  isEntryDocument,
  readDocuments,
  secretsFromDocuments,
  type SourcedDocument,
} from './validate/input.js';
import { jsonReport, textReport, yamlReport, type SourcedReport } from './validate/report.js';

// `mcp-header-forward validate`: the webhook's rules, offline, on files. Exit 0 all allowed, 1 any denied,
// 2 usage or unreadable input.

export interface ValidateOptions {
  filename: string[];
  secrets?: string[];
  kubeconfig?: string;
  output: 'text' | 'json' | 'yaml';
  secretLookupTimeout: number;
  /** As the webhook's flags (secretRuleFlags.ts); absent: the webhook's defaults. */
  missingSecret?: 'deny' | 'warn';
  requireHostBinding?: boolean;
}

export interface ValidateIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

export const DEFAULT_CLI_SECRET_LOOKUP_TIMEOUT_MS = 5_000;

export function validateCommand(io: ValidateIo = processIo()): Command {
  return new Command('validate')
    .description('Check MCPServerEntry files with the webhook rules; exit 0 all allowed, 1 any denied, 2 usage or unreadable input')
    .requiredOption(
      '-f, --filename <file...>',
      'YAML or JSON files with MCPServerEntry objects (several documents, List kinds; a directory: its .yaml/.yml/.json files, recursively; - for stdin)',
    )
    .option('--secrets <file...>', 'YAML or JSON files or directories with the referenced Secrets (kind Secret, data base64 or stringData)')
    .option('--kubeconfig <path>', 'read referenced Secrets from this cluster (GET by name) when not in --secrets files')
    .addOption(
      new Option('-o, --output <format>', 'text, or json or yaml (the same document)').choices(['text', 'json', 'yaml']).default('text'),
    )
    .addOption(
      new Option('--secret-lookup-timeout <ms>', 'bound for each Secret GET with --kubeconfig')
        .default(DEFAULT_CLI_SECRET_LOOKUP_TIMEOUT_MS)
        .argParser(millis('--secret-lookup-timeout', 50, 60_000)),
    )
    .addOption(missingSecretOption())
    .addOption(requireHostBindingOption())
    .action(async (options: ValidateOptions) => {
      process.exitCode = await runValidate(options, io);
    });
}

export async function runValidate(options: ValidateOptions, io: ValidateIo): Promise<number> {
  try {
    const documents = await readDocuments(options.filename, io.readStdin);
    const entries = documents.filter((d) => isEntryDocument(d.object));
    const skipped = documents.filter((d) => !isEntryDocument(d.object));
    if (skipped.length > 0) {
      io.stderr(
        `validate: skipped ${skipped.length} document(s) that are not MCPServerEntry: ${skipped.map(describe).join(', ')} (pass Secrets with --secrets)\n`,
      );
    }
    if (entries.length === 0) {
      throw new InputError(`no MCPServerEntry (apiVersion ${'toolhive.stacklok.dev/*'}) found in ${options.filename.join(', ')}`);
    }
    const getSecret = await secretSource(options, io);
    const rules = rulesFor(secretRuleFlags({ ...options }));
    const reports: SourcedReport[] = [];
    // The other entries of the same files and namespace: a same-group env var collision shows before apply.
    const siblings = entriesByNamespace(
      entries.flatMap((d) => {
        const parsed = mcpServerEntrySchema.safeParse(d.object);
        return parsed.success ? [{ ...parsed.data, metadata: { ...parsed.data.metadata, namespace: namespaceOf(d) } }] : [];
      }),
    );
    for (const document of entries) reports.push(await reportFor(document, getSecret, rules, siblings.get(namespaceOf(document)) ?? []));
    io.stdout(options.output === 'json' ? jsonReport(reports) : options.output === 'yaml' ? yamlReport(reports) : textReport(reports));
    return reports.every((r) => r.allowed) ? EXIT_OK : EXIT_FAILED;
  } catch (error: unknown) {
    io.stderr(`validate: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}

function namespaceOf(document: SourcedDocument): string {
  const namespace = (document.object.metadata as { namespace?: unknown } | undefined)?.namespace;
  return typeof namespace === 'string' && namespace !== '' ? namespace : DEFAULT_NAMESPACE;
}

async function reportFor(
  document: SourcedDocument,
  getSecret: GetSecret,
  rules: readonly Rule[],
  siblings: readonly MCPServerEntry[],
): Promise<SourcedReport> {
  const parsed = mcpServerEntrySchema.safeParse(document.object);
  const metadata = (document.object.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const namespace = namespaceOf(document);
  if (!parsed.success) {
    return {
      source: document.source,
      namespace,
      name: typeof metadata.name === 'string' ? metadata.name : '',
      allowed: false,
      violations: parsed.error.issues.map((issue) => ({
        reason: REASONS.unreadableObject,
        field: fieldPath(issue.path),
        message: issue.message,
      })),
      warnings: [],
      warningFindings: [],
    };
  }
  return { source: document.source, ...(await checkEntry(parsed.data, namespace, getSecret, rules, siblings)) };
}

/** --secrets files first, then the cluster with --kubeconfig; with neither, Secret refs cannot be checked. */
async function secretSource(options: ValidateOptions, io: ValidateIo): Promise<GetSecret> {
  const fromFiles = options.secrets === undefined ? undefined : secretsFromDocuments(await readDocuments(options.secrets, io.readStdin));
  const live = options.kubeconfig === undefined ? undefined : await liveSecrets(options.kubeconfig, options.secretLookupTimeout);
  return async (namespace, name): Promise<SecretLookup> => {
    const facts = fromFiles?.get(`${namespace}/${name}`);
    if (facts !== undefined) return { status: 'found', secret: facts };
    if (live !== undefined) return live(namespace, name);
    if (fromFiles !== undefined) return { status: 'not-found' };
    return { status: 'error', reason: 'no Secret source given (pass --secrets FILE or --kubeconfig PATH)' };
  };
}

// Loaded only with --kubeconfig: offline runs never pay for the Kubernetes client.
async function liveSecrets(kubeconfig: string, timeoutMs: number): Promise<GetSecret> {
  const [{ loadKubeConfig }, { createSecretGetter }] = await Promise.all([
    import('../webhook/cluster/kubeConfig.js'),
    import('../webhook/cluster/secrets.js'),
  ]);
  return createSecretGetter({ kubeConfig: loadKubeConfig(kubeconfig), timeoutMs });
}

function describe(document: SourcedDocument): string {
  const name = (document.object.metadata as { name?: string } | undefined)?.name;
  return `${String(document.object.kind ?? 'unknown kind')}${name === undefined ? '' : ` ${name}`} (${document.source})`;
}

/** zod issue path -> `spec.headerForward.addHeadersFromSecret[0].headerName`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc === '' ? String(part) : `${acc}.${String(part)}`),
      '',
    ) || '(object)'
  );
}

function processIo(): ValidateIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
