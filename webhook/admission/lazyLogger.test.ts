import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyChild } from './lazyLogger.js';

function capture(level: string): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: pino({ level }, stream),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

describe('lazyChild', () => {
  it('logs like pino.child, bindings included, once a line is at an enabled level', () => {
    const { logger, lines } = capture('warn');
    const child = lazyChild(logger, { route: 'validate', uid: 'u-1' });
    child.info('not written');
    child.warn({ violations: 2 }, 'written');
    expect(lines()).toEqual([expect.objectContaining({ route: 'validate', uid: 'u-1', violations: 2, msg: 'written', level: 40 })]);
    expect(child.isLevelEnabled('debug')).toBe(false);
    expect(child.child({ extra: true }).bindings()).toMatchObject({ route: 'validate', uid: 'u-1', extra: true });
  });

  it('makes no child while every line is below the level', () => {
    const { logger } = capture('warn');
    let made = 0;
    const counting = new Proxy(logger, {
      get: (target, property) =>
        property === 'child'
          ? (...args: Parameters<pino.Logger['child']>) => (made++, target.child(...args))
          : Reflect.get(target, property),
    });
    const child = lazyChild(counting, { uid: 'u-2' });
    child.debug('no');
    child.info({ a: 1 }, 'no');
    expect(made).toBe(0);
    child.error('yes');
    child.error('again');
    expect(made).toBe(1);
  });
});
