import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';

/** `HOST:PORT` or `[IPv6]:PORT` for --listen. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (match === null || host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError(`--listen must be HOST:PORT (e.g. 0.0.0.0:8443 or [::]:8443), got "${value}"`);
  }
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw new InvalidArgumentError(`--listen: "${host}" in brackets is not an IPv6 address`);
  }
  return { host, port };
}

/** A whole number of milliseconds within [min, max]. */
export function millis(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number of milliseconds between ${min} and ${max}, got "${value}"`);
    }
    return n;
  };
}
