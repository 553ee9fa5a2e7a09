// Label and annotation keys: one place, imported by the webhook, the injector, the sidecar and the manifests' tests.
export const DOMAIN = 'mcp-header-forward.dev';

export const MODE_LABEL = `${DOMAIN}/mode`;
export const INJECT_NAMESPACE_LABEL = `${DOMAIN}/inject`;
/** Namespace label value that opts a whole namespace out of injection (like `istio-injection=disabled`). */
export const INJECT_DISABLED = 'disabled';
export const INJECT_ANNOTATION = `${DOMAIN}/inject`;
export const STATUS_ANNOTATION = `${DOMAIN}/status`;
export const ALLOWED_HOSTS_ANNOTATION = `${DOMAIN}/allowed-hosts`;
/** On `check`'s dry-run probe pod: a nonce the injector echoes into CHECK_REVIEWED_ANNOTATION (dry runs only). */
export const CHECK_PROBE_ANNOTATION = `${DOMAIN}/check-probe`;
export const CHECK_REVIEWED_ANNOTATION = `${DOMAIN}/check-reviewed`;

export const VMCP_NAME_LABEL = 'app.kubernetes.io/name';
export const VMCP_NAME_VALUE = 'virtualmcpserver';
export const VMCP_INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const VMCP_CONTAINER_NAME = 'vmcp';
export const SIDECAR_CONTAINER_NAME = 'header-forward-proxy';

export const MODES = ['enforce', 'warn', 'audit'] as const;
export type Mode = (typeof MODES)[number];

export function parseMode(value: string | undefined): Mode | undefined {
  return (MODES as readonly string[]).includes(value ?? '') ? (value as Mode) : undefined;
}
