import { Command, CommanderError } from 'commander';
import type { V1Deployment } from '@kubernetes/client-node';
import { requireHostBindingOption } from '../flags/secretRules.js';
import { addSidecarOptions, type SidecarFlagValues } from '../flags/injector.js';

// `report --pods` plans pods with the injector flags the webhook Deployment runs with. Pure: the Deployment's
// container args in, the injector flags they set out (the flags' own parsers, so values come out as the webhook
// reads them). Other webhook flags are skipped.

/** The injector's flags plus --require-host-binding, which changes the routes it plans. */
export type InjectorFlagValues = SidecarFlagValues & { requireHostBinding: boolean };

export type ArgsRead = { values: Partial<InjectorFlagValues>; container: string } | { problem: string };

/** The container running `mcp-header-forward webhook`: the one whose command or args start the subcommand. */
export function injectorFlagsFromDeployment(deployment: V1Deployment): ArgsRead {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const container = containers.find((c) => [...(c.command ?? []), ...(c.args ?? [])].includes('webhook'));
  if (container === undefined)
    return { problem: `no container runs "webhook" (containers: ${containers.map((c) => c.name).join(', ') || 'none'})` };
  const words = [...(container.command ?? []), ...(container.args ?? [])];
  const read = injectorFlagsFromArgs(words.slice(words.indexOf('webhook') + 1));
  return 'problem' in read
    ? { problem: `container ${container.name}: ${read.problem}` }
    : { values: read.values, container: container.name };
}

export function injectorFlagsFromArgs(args: readonly string[]): { values: Partial<InjectorFlagValues> } | { problem: string } {
  const parser = addSidecarOptions(new Command('webhook').addOption(requireHostBindingOption()))
    .allowUnknownOption()
    .allowExcessArguments()
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    parser.parse([...args], { from: 'user' });
  } catch (error: unknown) {
    return { problem: error instanceof CommanderError ? error.message : String(error) };
  }
  const all = parser.opts<Record<string, unknown>>();
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(all)) if (parser.getOptionValueSource(key) === 'cli') values[key] = all[key];
  return { values: values as Partial<InjectorFlagValues> };
}
