// Every JSON line a pino logger writes, kept in memory so tests can grep all of them.
import { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createLogger } from '../../../contract/logging.js';

export interface CapturedLogs {
  logger: Logger;
  lines: string[];
}

export function captureLogs(level: 'trace' | 'info' = 'trace'): CapturedLogs {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });
  return { logger: createLogger({ name: 'mcp-header-forward', level, destination }), lines };
}
