import type { Logger } from 'pino';

const LEVELS: ReadonlySet<string> = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
const noop = (): void => undefined;

/**
 * The review's child logger, made on its first log line at an enabled level: pino's child() serialises its
 * bindings up front, a few µs per review, and at the bench's level most reviews log nothing.
 */
export function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  const real = (): Logger => (child ??= parent.child(bindings));
  return new Proxy(parent, {
    get(target, property) {
      if (typeof property === 'string' && LEVELS.has(property) && !target.isLevelEnabled(property)) return noop;
      const logger = real();
      const value: unknown = Reflect.get(logger, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
  });
}
