import { describe, expect, it } from 'vitest';
import { requireLoopback } from './listen.js';

describe('requireLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST'])('accepts %s', (host) => {
    expect(requireLoopback({ host, port: 1 }, '--proxy-listen')).toEqual({ host, port: 1 });
  });
  it.each(['0.0.0.0', '10.0.0.5', 'proxy.internal', '127.0.0.1.nip.io', '127.999.1.1'])('refuses %s, saying why', (host) => {
    expect(() => requireLoopback({ host, port: 1 }, '--proxy-listen')).toThrow(
      `--proxy-listen ${host}:1 is not a loopback address: the proxy adds Secret headers`,
    );
  });
  it.each(['::', '::ffff:10.0.0.1', 'fe80::1'])('refuses IPv6 %s, written in brackets', (host) => {
    expect(() => requireLoopback({ host, port: 1 }, '--proxy-listen')).toThrow(`--proxy-listen [${host}]:1 is not a loopback address`);
  });
});
