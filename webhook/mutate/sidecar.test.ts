import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_INTERCEPTED } from '../../contract/sidecar.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { sidecarContainer } from './sidecar.js';

const argsWith = (limits: { intercepted: number; connections: number }): string[] =>
  sidecarContainer({ settings: { ...DEFAULT_SETTINGS, limits }, env: [], caBundles: [] }).args ?? [];

describe('the sidecar container', () => {
  it('passes connection limits only when they differ from the sidecar defaults (pods injected before stay current)', () => {
    const defaults = argsWith({ intercepted: DEFAULT_MAX_INTERCEPTED, connections: DEFAULT_MAX_CONNECTIONS });
    expect(defaults.some((a) => a.startsWith('--max-'))).toBe(false);
    expect(argsWith({ intercepted: 512, connections: DEFAULT_MAX_CONNECTIONS }).slice(-2)).toEqual([
      '--max-intercepted-connections',
      '512',
    ]);
    expect(argsWith({ intercepted: 64, connections: 2048 }).slice(-4)).toEqual([
      '--max-intercepted-connections',
      '64',
      '--max-connections',
      '2048',
    ]);
  });
});
