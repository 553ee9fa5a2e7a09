// Log levels of every subcommand; apart from contract/logging.ts so `--help` can list them without loading pino.
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
