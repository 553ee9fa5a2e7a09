import { isIP } from 'node:net';
import { InvalidArgumentError } from 'commander';
import type { ListenAddress } from '../../sidecar/listen.js';
import { canonicalQuantity } from '../../webhook/mutate/quantity.js';

// Flag value parsers shared by every subcommand: each names its flag and shows the value it refused.

/** `HOST:PORT` or `[IPv6]:PORT`; port 0 picks a free one. */
export function listenAddress(flag: string): (value: string) => ListenAddress {
  return (value) => {
    const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/.exec(value);
    const host = match?.[1] ?? match?.[2];
    const port = Number(match?.[3]);
    if (match === null || host === undefined || port > 65535) {
      throw new InvalidArgumentError(
        `${flag} must be HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443; port 0 picks a free one), got "${value}"`,
      );
    }
    if (match[1] !== undefined && isIP(host) !== 6) throw new InvalidArgumentError(`${flag}: "${host}" in brackets is not an IPv6 address`);
    return { host, port };
  };
}

/** A whole number of milliseconds within [min, max]. */
export function millis(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number of milliseconds between ${min} and ${max}, got "${value}"`);
    }
    return n;
  };
}

/** A whole number within [min, max] (ports, UIDs, counts). */
export function wholeNumber(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number between ${min} and ${max}, got "${value}"`);
    }
    return n;
  };
}

/** A rate in (0, max], fractions allowed: `unit` says what is counted (e.g. "GETs per second"). */
export function rate(flag: string, unit: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(`${flag} must be a number of ${unit} in (0, ${max}], got "${value}"`);
    return n;
  };
}

/** A Kubernetes quantity in the canonical form the API server stores (so re-planning finds no diff); "" for none. */
export function quantity(flag: string): (value: string) => string {
  return (value) => {
    if (value === '') return '';
    const canonical = canonicalQuantity(value);
    if (canonical === undefined)
      throw new InvalidArgumentError(`${flag} must be a Kubernetes quantity like 10m, 0.5, 64Mi or "" for none, got "${value}"`);
    return canonical;
  };
}

/** Repeatable, comma-separated values, in the order given. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ];
}

/** `--flag <true|false>` as commander hands it over: the string it chose. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
