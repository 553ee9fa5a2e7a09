import type { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exitCodes.js';

// Usage errors the same way in every subcommand: exit 2 (bad flags, unknown command or option, missing required
// option), --help and --version exit 0. Commander checks required options before unknown ones, so `webhook
// --tls-cert-fle x` would say "--tls-cert-file not specified" instead of naming the typo: required options are
// checked here, after commander has refused unknown ones.

export function withUsageErrors(command: Command): Command {
  command.exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT_OK : EXIT_USAGE));
  const required = command.options.filter((option) => option.mandatory);
  for (const option of required) option.makeOptionMandatory(false);
  if (required.length > 0) {
    command.hook('preAction', (self) => {
      const missing = required.find((option) => self.getOptionValue(option.attributeName()) === undefined);
      if (missing !== undefined)
        self.error(`error: required option '${missing.flags}' not specified`, {
          exitCode: EXIT_USAGE,
          code: 'commander.missingMandatoryOptionValue',
        });
    });
  }
  for (const sub of command.commands) withUsageErrors(sub);
  return command;
}
