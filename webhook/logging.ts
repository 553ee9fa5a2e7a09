import pino, { type DestinationStream, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

// Defence in depth: the code never logs Secret data or whole objects, but if a future log line carries
// a Secret, an AdmissionReview object or request headers, these paths are censored before they are written.
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
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'value',
  '*.value',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Where JSON lines go (stdout by default); tests pass a stream to capture every line. */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'mcp-header-forward',
      level: options.level ?? 'info',
      redact: { paths: [...REDACT_PATHS], censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
