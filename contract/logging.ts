import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './logLevels.js';

// One logger setup for the webhook and the sidecar: JSON lines, ISO time, the same levels and the same
// redaction. Defence in depth: nothing logs Secret data, header values or whole objects, but if a future log
// line carries one, these paths are censored before it is written.

export const REDACT_PATHS: readonly string[] = [
  'data',
  'stringData',
  '*.data',
  '*.stringData',
  '*.*.data',
  '*.*.stringData',
  'object',
  'oldObject',
  'request.object',
  'request.oldObject',
  'headers',
  '*.headers',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'value',
  '*.value',
];

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  /** Where JSON lines go (stdout by default); tests pass a stream to capture every line. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
