import { describe, expect, it } from 'vitest';
import { collect, listenAddress, millis, quantity, rate, wholeNumber } from './parsers.js';

describe('flag parsers', () => {
  it.each([
    ['127.0.0.1:15080', { host: '127.0.0.1', port: 15080 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:15090', { host: '::1', port: 15090 }],
    ['[::]:8443', { host: '::', port: 8443 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
  ])('listen address %s', (value, address) => expect(listenAddress('--listen')(value)).toEqual(address));

  it.each(['15080', '127.0.0.1', '127.0.0.1:99999', 'a b:1', '[nope]:1', ':80'])('refuses listen address %s naming the flag', (value) => {
    expect(() => listenAddress('--admin-listen')(value)).toThrow(/^--admin-listen/);
  });

  it('millis and whole numbers: digits only, within bounds', () => {
    expect(millis('--t', 10, 100)('50')).toBe(50);
    for (const bad of ['9', '101', '1e2', '-1', '', '5.5'])
      expect(() => millis('--t', 10, 100)(bad)).toThrow(`--t must be a whole number of milliseconds between 10 and 100, got "${bad}"`);
    expect(wholeNumber('--port', 1, 65535)('8443')).toBe(8443);
    expect(() => wholeNumber('--port', 1, 65535)('0')).toThrow('--port must be a whole number between 1 and 65535, got "0"');
  });

  it('rates allow fractions in (0, max]', () => {
    expect(rate('--scan-rate', 'GETs per second', 1000)('0.5')).toBe(0.5);
    for (const bad of ['0', '1001', 'x', ''])
      expect(() => rate('--scan-rate', 'GETs per second', 1000)(bad)).toThrow(
        '--scan-rate must be a number of GETs per second in (0, 1000]',
      );
  });

  it('quantities come back canonical; "" means none', () => {
    expect(quantity('--m')('0.25Gi')).toBe('256Mi');
    expect(quantity('--m')('')).toBe('');
    expect(() => quantity('--m')('lots')).toThrow('--m must be a Kubernetes quantity');
  });

  it('collect splits commas and keeps repeats in order', () => {
    expect(collect('a, b,,c', ['z'])).toEqual(['z', 'a', 'b', 'c']);
  });
});
