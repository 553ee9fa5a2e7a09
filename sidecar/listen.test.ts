import { describe, expect, it } from 'vitest';
import { parseListenAddress } from './listen.js';

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:15080', { host: '127.0.0.1', port: 15080 }],
    ['0.0.0.0:0', { host: '0.0.0.0', port: 0 }],
    ['[::1]:15090', { host: '::1', port: 15090 }],
    ['localhost:8080', { host: 'localhost', port: 8080 }],
  ])('%s', (value, address) => expect(parseListenAddress(value, '--proxy-listen')).toEqual(address));

  it.each(['15080', '127.0.0.1', '127.0.0.1:99999', 'a b:1'])('rejects %s naming the flag', (value) => {
    expect(() => parseListenAddress(value, '--admin-listen')).toThrow(`--admin-listen "${value}" is not host:port`);
  });
});
