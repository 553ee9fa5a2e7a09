import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { manifestEnvVarName, secretEnvVarName, SECRET_ENV_PREFIX } from '../../contract/envNames.js';
import { sealedPlaceholder } from '../../contract/sealing.js';
import type { MCPServerEntry } from '../../contract/toolhive.js';

// What vMCP already forwards itself, read from the pod (never from a version guess). ToolHive's operator
// (>= v0.27.2, buildHeaderForwardEnvVarsForEntries) gives the vmcp container, per entry with headerForward, a
// manifest env var (JSON: plaintext headers and secret identifiers) and one secretKeyRef env var per secret header.

/** The headers vMCP sends for one entry, by lower-cased name, and which of its secret env vars it holds. */
export interface NativeEntry {
  /** Lower-cased names of the headers vMCP adds for this entry (manifest keys, plus headers whose env var it holds). */
  headers: ReadonlySet<string>;
}

export interface NativeForwarding {
  /** undefined: vMCP does not forward this entry (older ToolHive, or the operator gave no env for it). */
  entry(entry: MCPServerEntry): NativeEntry | undefined;
  /** Secret env vars on the vmcp container: a secretKeyRef (as the operator wrote it) or our placeholder (sealed). */
  readonly secretEnv: ReadonlyMap<string, V1EnvVar>;
}

interface Manifest {
  addPlaintextHeaders?: Record<string, unknown>;
  addHeadersFromSecret?: Record<string, unknown>;
}

function manifestHeaders(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  try {
    const manifest = JSON.parse(raw) as Manifest;
    if (typeof manifest !== 'object' || manifest === null) return [];
    return [...Object.keys(manifest.addPlaintextHeaders ?? {}), ...Object.keys(manifest.addHeadersFromSecret ?? {})];
  } catch {
    return []; // vMCP skips a malformed manifest too (pkg/vmcp/cli/header_forward_env.go)
  }
}

/** A secret header env var as the operator writes it, or one we sealed already (reinvocation, re-planning). */
function holdsSecret(env: V1EnvVar): boolean {
  if (env.valueFrom?.secretKeyRef !== undefined) return true;
  return env.valueFrom === undefined && env.value === sealedPlaceholder(env.name);
}

export function detectNativeForwarding(vmcp: V1Container): NativeForwarding {
  const env = vmcp.env ?? [];
  // Last definition wins, as in the kubelet.
  const byName = new Map(env.map((e) => [e.name, e] as const));
  const secretEnv = new Map([...byName].filter(([name, e]) => name.startsWith(SECRET_ENV_PREFIX) && holdsSecret(e)));
  return {
    secretEnv,
    entry(entry) {
      const name = entry.metadata.name ?? '';
      const manifest = byName.get(manifestEnvVarName(name));
      const fromManifest = manifest?.valueFrom === undefined ? manifestHeaders(manifest?.value) : [];
      const fromSecrets = (entry.spec.headerForward?.addHeadersFromSecret ?? [])
        .filter((h) => secretEnv.has(secretEnvVarName(name, h.headerName)))
        .map((h) => h.headerName);
      if (fromManifest === undefined && fromSecrets.length === 0) return undefined;
      return { headers: new Set([...(fromManifest ?? []), ...fromSecrets].map((h) => h.toLowerCase())) };
    },
  };
}

/** The vmcp container with each sealed env var's Secret replaced by its placeholder, in place and in order. */
export function sealVmcpEnv(vmcp: V1Container, sealed: ReadonlySet<string>): V1Container {
  if (sealed.size === 0 || vmcp.env === undefined) return vmcp;
  return { ...vmcp, env: vmcp.env.map((e) => (sealed.has(e.name) ? { name: e.name, value: sealedPlaceholder(e.name) } : e)) };
}
