// JSON logs (pino). Header names may be logged, values never: nothing logs them, and redaction backs that up.
import { pino, type DestinationStream, type Logger } from 'pino';

const REDACT = ['headers', '*.headers', 'value', '*.value', 'authorization', '*.authorization'];

export function createSidecarLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = { name: 'mcp-header-forward-sidecar', level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
