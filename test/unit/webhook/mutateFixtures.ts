import { existsSync, readFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { MCPServerEntry, VirtualMCPServer } from '../../../contract/toolhive.js';
import { classify, parseYamlObjects } from '../../../webhook/mutate/objects.js';
import { apiServerHostsFrom, DEFAULT_SETTINGS, type InjectSettings } from '../../../webhook/mutate/settings.js';

// The fixtures under webhook/mutate/testdata/ (see its README.md), loaded the same way by every test.

/** A pinned image and an in-cluster API server at 10.96.0.1. */
export const TEST_SETTINGS: InjectSettings = Object.freeze({
  ...DEFAULT_SETTINGS,
  image: 'ghcr.io/example/mcp-header-forward:v0.1.0',
  apiServerHosts: apiServerHostsFrom('10.96.0.1', 'cluster.local'),
});

export const TEST_NAMESPACE = 'tools';
export const TESTDATA = new URL('../../../webhook/mutate/testdata/', import.meta.url);

export interface Fixture {
  name: string;
  pod: V1Pod;
  vmcps: VirtualMCPServer[];
  entries: MCPServerEntry[];
  /** TEST_SETTINGS with the case's settings.yaml applied. */
  settings: InjectSettings;
}

export function loadFixture(name: string): Fixture {
  const dir = new URL(`${name}/`, TESTDATA);
  const read = (file: string): string => readFileSync(new URL(file, dir), 'utf8');
  const overrides = existsSync(new URL('settings.yaml', dir)) ? (parse(read('settings.yaml')) as Partial<InjectSettings>) : {};
  const objects = classify(parseYamlObjects(read('objects.yaml'), `${name}/objects.yaml`), TEST_NAMESPACE, name);
  return {
    name,
    pod: parse(read('pod.yaml')) as V1Pod,
    vmcps: objects.vmcps,
    entries: objects.entries,
    settings: { ...TEST_SETTINGS, ...overrides },
  };
}
