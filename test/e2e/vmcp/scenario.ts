import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1ConfigMap, V1Pod, V1Secret } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { mcpServerEntrySchema, virtualMcpServerSchema, type MCPServerEntry, type VirtualMCPServer } from '../../../contract/toolhive.js';
import { PROJECT_ROOT } from '../harness/paths.js';
import { vmcpConfigYaml, vmcpStaticConfig } from './vmcpConfig.js';

// The e2e's cluster state as YAML a person can read (fixtures/), with the per-run values (ports, the test
// CA, the credential) filled into `$PLACEHOLDER` strings. Unknown or unfilled placeholders are errors.

// From the project root, so the compiled copy under dist/ (used by `make demo`) reads the same files.
const FIXTURES = join(PROJECT_ROOT, 'test', 'e2e', 'vmcp', 'fixtures');
const PLACEHOLDER = /^\$([A-Z][A-Z0-9_]*)$/;

export interface ScenarioValues {
  SECURE_URL: string;
  OPEN_URL: string;
  API_KEY: string;
  UPSTREAM_CA_PEM: string;
}

export interface Scenario {
  pod: V1Pod;
  vmcp: VirtualMCPServer;
  entries: MCPServerEntry[];
  secrets: V1Secret[];
  configMaps: V1ConfigMap[];
}

/** Replace every string that is exactly `$NAME` by `values[NAME]`, throwing on a name without a value. */
export function fillPlaceholders<T>(value: T, values: Readonly<Record<string, string>>, where = ''): T {
  if (typeof value === 'string') {
    const match = PLACEHOLDER.exec(value);
    if (!match) return value;
    const filled = values[match[1]!];
    if (filled === undefined) throw new Error(`${where || 'fixture'}: no value for placeholder ${value}`);
    return filled as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => fillPlaceholders(v, values, `${where}[${i}]`)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillPlaceholders(v, values, where ? `${where}.${k}` : k)])) as T;
  }
  return value;
}

function parseYaml(text: string, source: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${i}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Record<string, unknown>;
  });
}

/** Classify filled objects by kind; the vMCP config ConfigMap gets the config rendered from them. */
export function buildScenario(
  podDoc: Record<string, unknown>,
  objectDocs: readonly Record<string, unknown>[],
  values: ScenarioValues,
): Scenario {
  const filled = objectDocs.map((doc, i) => fillPlaceholders(doc, { ...values, VMCP_CONFIG_YAML: '$VMCP_CONFIG_YAML' }, `objects[${i}]`));
  const ofKind = (kind: string): Record<string, unknown>[] => filled.filter((o) => o.kind === kind);
  const vmcps = ofKind('VirtualMCPServer').map((o) => virtualMcpServerSchema.parse(o));
  if (vmcps.length !== 1) throw new Error(`fixtures/objects.yaml: expected one VirtualMCPServer, found ${vmcps.length}`);
  const vmcp = vmcps[0]!;
  const entries = ofKind('MCPServerEntry').map((o) => mcpServerEntrySchema.parse(o));
  const configYaml = vmcpConfigYaml(vmcpStaticConfig(vmcp, entries));
  const configMaps = ofKind('ConfigMap').map((o) => fillPlaceholders(o, { VMCP_CONFIG_YAML: configYaml }) as V1ConfigMap);
  return {
    pod: podDoc as V1Pod,
    vmcp,
    entries,
    secrets: ofKind('Secret') as V1Secret[],
    configMaps,
  };
}

export async function loadScenario(values: ScenarioValues): Promise<Scenario> {
  const [podText, objectsText] = await Promise.all([
    readFile(join(FIXTURES, 'pod.yaml'), 'utf8'),
    readFile(join(FIXTURES, 'objects.yaml'), 'utf8'),
  ]);
  const [podDoc] = parseYaml(podText, 'fixtures/pod.yaml');
  if (podDoc === undefined) throw new Error('fixtures/pod.yaml: no document');
  return buildScenario(podDoc, parseYaml(objectsText, 'fixtures/objects.yaml'), values);
}
