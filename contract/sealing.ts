// Sealed mode, for ToolHive >= v0.27.2 where vMCP adds an entry's headers itself: the vmcp container's
// secretKeyRef env var becomes this literal, vMCP sends it as the header value, and only the sidecar, on that
// entry's route, swaps it for the Secret's value. Deterministic and not secret (it names an env var, never a
// value), so the same pod always gets the same bytes and a leaked placeholder is worthless.

export const SEALED_PLACEHOLDER_PREFIX = 'mcp-header-forward.dev/sealed:';

/** `mcp-header-forward.dev/sealed:TOOLHIVE_SECRET_HEADER_FORWARD_<HEADER>_<ENTRY>`. */
export function sealedPlaceholder(envVarName: string): string {
  return SEALED_PLACEHOLDER_PREFIX + envVarName;
}

export function isSealedPlaceholder(value: string): boolean {
  return value.startsWith(SEALED_PLACEHOLDER_PREFIX);
}

/**
 * What the injector does where vMCP already forwards an entry's headers (detected on the pod itself):
 * seal  - move each Secret from the vmcp container to the sidecar, which swaps the placeholder on the route;
 * defer - leave those entries to vMCP entirely (no sidecar when no other route is left);
 * ignore - treat them like entries vMCP does not forward (the sidecar adds every header, vMCP keeps its Secret).
 */
export const TOOLHIVE_FORWARDING_MODES = ['seal', 'defer', 'ignore'] as const;
export type ToolhiveForwardingMode = (typeof TOOLHIVE_FORWARDING_MODES)[number];
export const DEFAULT_TOOLHIVE_FORWARDING: ToolhiveForwardingMode = 'seal';
