import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { contextFromObjects } from '../webhook/mutate/inject.js';
import { prepareInjection, type InjectionSources } from '../webhook/mutate/prepare.js';
import type { InjectSettings } from '../webhook/mutate/settings.js';
import { classify, parseYamlObjects, type LoadedObjects } from '../webhook/mutate/objects.js';
import { PlanError } from '../webhook/mutate/vmcpContainer.js';
import { injectObject, isPodLike, podOf, type KubeObject } from '../webhook/mutate/workload.js';
import { podRuleViolations } from '../webhook/mutate/podRules.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './exitCodes.js';
import { givenSecretAnnotations, givenSecretsFrom, type GivenSecrets } from './inject/bindings.js';
import { requireHostBindingOption } from './flags/secretRules.js';
import { addSidecarOptions, injectSettingsFrom, type SidecarFlagValues } from './flags/injector.js';

// `mcp-header-forward inject`: the webhook's injection, offline (like `istioctl kube-inject`). Reads pods or
// workloads, looks up the VirtualMCPServer and MCPServerEntries in the given files, prints the result.

export const OUTPUTS = ['yaml', 'json', 'patch'] as const;
type Output = (typeof OUTPUTS)[number];

interface InjectFlags extends SidecarFlagValues {
  filename: string;
  objects?: string[];
  output: Output;
  namespace: string;
  requireHostBinding?: boolean;
}

export interface InjectIo {
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

const realIo: InjectIo = {
  readFile: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function injectCommand(io: InjectIo = realIo): Command {
  const command = new Command('inject')
    .description(
      'Inject the header-forwarding sidecar into a Pod or a Deployment/ReplicaSet/StatefulSet/DaemonSet/Job/CronJob template, offline',
    )
    .requiredOption('-f, --filename <file>', 'YAML with the pod or workload(s) ("-" for stdin); other objects pass through')
    .option(
      '--objects <files...>',
      'YAML files with the VirtualMCPServer, MCPServerEntries and referenced Secrets, for their allowed-hosts annotations (those in -f count too)',
    )
    .addOption(
      new Option('-o, --output <format>', 'yaml or json: the mutated objects; patch: the JSON patch the webhook would send')
        .choices(OUTPUTS)
        .default('yaml'),
    )
    .option('-n, --namespace <ns>', 'namespace for objects that name none (as the AdmissionRequest would)', 'default')
    .addOption(requireHostBindingOption());
  addSidecarOptions(command);
  command.action(async (flags: InjectFlags) => {
    process.exitCode = await runInject(flags, io);
  });
  return command;
}

/** Returns the exit code; writes the result to stdout and skip reasons, warnings and errors to stderr. */
export async function runInject(flags: InjectFlags, io: InjectIo): Promise<number> {
  let inputs: Inputs;
  try {
    inputs = loadInputs(flags, io);
  } catch (error: unknown) {
    io.stderr(`mcp-header-forward inject: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  const sources = sourcesFrom(inputs, flags.requireHostBinding === true);
  const outputs: Rendered[] = [];
  for (const document of inputs.documents) {
    const done = isPodLike(document) ? await injectDocument(document, flags.namespace, sources, io) : { object: document, patch: [] };
    if (done === undefined) return EXIT_FAILED;
    outputs.push(done);
  }
  io.stdout(render(outputs, flags.output));
  return EXIT_OK;
}

interface Inputs {
  namespace: string;
  documents: KubeObject[];
  known: LoadedObjects;
  secrets: GivenSecrets;
  settings: InjectSettings;
}

interface Rendered {
  object: KubeObject;
  patch: unknown[];
}

function loadInputs(flags: InjectFlags, io: InjectIo): Inputs {
  const settings = injectSettingsFrom(flags);
  const documents = parseYamlObjects(io.readFile(flags.filename), flags.filename);
  if (!documents.some(isPodLike)) throw new Error(`${flags.filename} holds no Pod or workload with a pod template`);
  const known = classify(documents, flags.namespace, flags.filename);
  const secrets = givenSecretsFrom(documents, flags.namespace, flags.filename);
  for (const file of flags.objects ?? []) {
    const objects = parseYamlObjects(io.readFile(file), file);
    const more = classify(objects, flags.namespace, file);
    known.vmcps.push(...more.vmcps);
    known.entries.push(...more.entries);
    for (const [key, annotations] of givenSecretsFrom(objects, flags.namespace, file)) secrets.set(key, annotations);
  }
  return { namespace: flags.namespace, documents, known, secrets, settings };
}

/** The webhook's sources, from the files: no namespace labels (there is no namespace to read). */
function sourcesFrom(inputs: Inputs, requireHostBinding: boolean): InjectionSources {
  const { findVmcp, entriesIn } = contextFromObjects(inputs.known, { namespace: inputs.namespace, settings: inputs.settings });
  return {
    findVmcp,
    entriesIn,
    injectLabel: () => undefined,
    settings: inputs.settings,
    secretAnnotations: givenSecretAnnotations(inputs.secrets, requireHostBinding),
    requireHostBinding,
  };
}

/** undefined: the object cannot be injected (reason already on stderr). */
async function injectDocument(
  document: KubeObject,
  namespace: string,
  sources: InjectionSources,
  io: InjectIo,
): Promise<Rendered | undefined> {
  const label = `${document.kind ?? ''}/${document.metadata?.name ?? document.metadata?.generateName ?? ''}`;
  const prepared = await prepareInjection(podOf(document)!, namespace, sources);
  if ('error' in prepared) {
    io.stderr(`${label}: cannot inject: ${prepared.error}\n`);
    return undefined;
  }
  try {
    const { object, patch, result } = injectObject(document, prepared.ctx);
    for (const reason of result.decision.reasons) io.stderr(`${label}: not injected: ${reason.message}\n`);
    for (const warning of result.plan?.warnings ?? []) io.stderr(`${label}: warning: ${warning}\n`);
    const problems = patch.length > 0 ? podRuleViolations(podOf(object)!) : [];
    if (problems.length > 0) {
      io.stderr(`${label}: the injected pod would be rejected by the API server:\n  ${problems.join('\n  ')}\n`);
      return undefined;
    }
    return { object, patch };
  } catch (error: unknown) {
    if (!(error instanceof PlanError)) throw error;
    io.stderr(`${label}: cannot inject: ${error.message}\n`);
    return undefined;
  }
}

function render(outputs: readonly Rendered[], output: Output): string {
  if (output === 'yaml') return outputs.map((o) => stringify(o.object, { lineWidth: 0 })).join('---\n');
  if (output === 'json') {
    const objects = outputs.map((o) => o.object);
    return `${JSON.stringify(objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
  }
  const patched = outputs.filter((o) => isPodLike(o.object));
  if (patched.length === 1) return `${JSON.stringify(patched[0]!.patch, null, 2)}\n`;
  const perObject = patched.map((o) => ({ kind: o.object.kind, name: o.object.metadata?.name, patch: o.patch }));
  return `${JSON.stringify(perObject, null, 2)}\n`;
}
