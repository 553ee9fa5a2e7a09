// ToolHive's env var naming (pkg/vmcp/headerforward/wirefmt: NormalizeForEnvVar, SecretEnvVarName,
// ManifestEnvVarName). Byte-compatible: vMCP and the operator compute the same names.

// Every /mutate review that plans a pod normalises the names of its routes, and the sibling env-name index those of
// each new or changed entry (it keeps the others' per entry object): the same few hundred strings, each worked out
// once. Bounded, so odd names cannot grow it without limit.
const NORMALIZED_MAX = 10_000;
const normalized = new Map<string, string>();

/** Uppercase, `-` -> `_`, anything outside [A-Z0-9_] -> `_`. Lossy: `X-Api.Key` and `X-Api-Key` collide. */
export function normalize(s: string): string {
  let result = normalized.get(s);
  if (result === undefined) {
    result = s
      .toUpperCase()
      .replaceAll('-', '_')
      .replace(/[^A-Z0-9_]/g, '_');
    if (normalized.size >= NORMALIZED_MAX) normalized.clear();
    normalized.set(s, result);
  }
  return result;
}

export const SECRET_ENV_PREFIX = 'TOOLHIVE_SECRET_';

/** `HEADER_FORWARD_<HEADER>_<ENTRY>`: the identifier ToolHive stores in its config. */
export function secretIdentifier(entryName: string, headerName: string): string {
  return `HEADER_FORWARD_${normalize(headerName)}_${normalize(entryName)}`;
}

/** `TOOLHIVE_SECRET_HEADER_FORWARD_<HEADER>_<ENTRY>`: the env var holding one secret header value. */
export function secretEnvVarName(entryName: string, headerName: string): string {
  return SECRET_ENV_PREFIX + secretIdentifier(entryName, headerName);
}

/** Prefix of the manifest env var ToolHive's operator (>= v0.27.2) puts on the vmcp container, one per entry. */
export const MANIFEST_ENV_PREFIX = 'TOOLHIVE_HEADER_FORWARD_';

/** `TOOLHIVE_HEADER_FORWARD_<ENTRY>`: JSON of the entry's plaintext headers and secret identifiers, read by vMCP. */
export function manifestEnvVarName(entryName: string): string {
  return MANIFEST_ENV_PREFIX + normalize(entryName);
}

/** Env var names the sidecar and injector own (kept here so both sides agree). */
export const ROUTES_ENV_VAR = 'MCP_HEADER_FORWARD_ROUTES';
