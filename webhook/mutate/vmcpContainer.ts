import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import type { RouteConfig } from '../../contract/routes.js';
import { CA_DIR, CA_KEY_VOLUME_NAME, CA_VOLUME_NAME, SYSTEM_CERT_DIR } from '../../contract/sidecar.js';

// What the vmcp container gets: proxy env pointing at the sidecar, a complete NO_PROXY, the sidecar's CA
// directory in SSL_CERT_DIR. Never a secret, never TOOLHIVE_HEADER_FORWARD_* (vMCP would add headers too).

export const PROXY_ENV_NAMES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'] as const;
export const NO_PROXY_ENV_NAMES = ['NO_PROXY', 'no_proxy'] as const;
export const SSL_CERT_DIR_ENV = 'SSL_CERT_DIR';

export type UpstreamProxy = NonNullable<RouteConfig['upstreamProxy']>;

export class PlanError extends Error {
  readonly code = 'PLAN_ERROR';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

/** Last definition wins, as in the kubelet. */
function literal(env: readonly V1EnvVar[], name: string, containerField: string): string | undefined {
  const found = env.filter((e) => e.name === name).at(-1);
  if (found === undefined) return undefined;
  if (found.valueFrom !== undefined) {
    throw new PlanError(
      `${containerField}: ${name} is set with valueFrom, so the injector cannot read it to chain it behind the ` +
        `sidecar; set it as a literal value, or opt the pod out with the annotation mcp-header-forward.dev/inject: "false"`,
      containerField,
    );
  }
  return found.value ?? '';
}

export interface ProxyEnv {
  /** The container's own proxy (Go precedence: upper case first), unless it is the sidecar itself. */
  upstream?: UpstreamProxy;
  /** NO_PROXY and no_proxy as the container had them. */
  noProxy: string[];
}

export function readProxyEnv(container: V1Container, sidecarUrl: string, containerField: string): ProxyEnv {
  const env = container.env ?? [];
  const get = (name: string): string | undefined => {
    const value = literal(env, name, containerField);
    return value === undefined || value === '' || value === sidecarUrl ? undefined : value;
  };
  const http = get('HTTP_PROXY') ?? get('http_proxy');
  const https = get('HTTPS_PROXY') ?? get('https_proxy');
  const noProxyRaw = literal(env, 'NO_PROXY', containerField) || literal(env, 'no_proxy', containerField);
  const noProxy = NO_PROXY_ENV_NAMES.map((n) => literal(env, n, containerField) ?? '').join(',');
  const upstream =
    http !== undefined || https !== undefined
      ? {
          ...(http !== undefined ? { http } : {}),
          ...(https !== undefined ? { https } : {}),
          ...(noProxyRaw ? { noProxy: noProxyRaw } : {}),
        }
      : undefined;
  return { ...(upstream ? { upstream } : {}), noProxy: noProxy.split(',').filter((s) => s.trim() !== '') };
}

export interface VmcpEnvInput {
  sidecarUrl: string;
  noProxy: string;
}

/** The env the vmcp container ends with: ours set in place where present, missing ones appended sorted. */
export function withProxyEnv(container: V1Container, input: VmcpEnvInput): V1Container {
  const env = container.env ?? [];
  const existingCertDir = env.filter((e) => e.name === SSL_CERT_DIR_ENV).at(-1)?.value;
  const ours = new Map<string, string>([
    ...PROXY_ENV_NAMES.map((n) => [n, input.sidecarUrl] as const),
    ...NO_PROXY_ENV_NAMES.map((n) => [n, input.noProxy] as const),
    [SSL_CERT_DIR_ENV, certDirs(existingCertDir)],
  ]);
  const updated = env.map((e) => (ours.has(e.name) ? { name: e.name, value: ours.get(e.name)! } : e));
  const present = new Set(env.map((e) => e.name));
  const added = [...ours.keys()]
    .filter((n) => !present.has(n))
    .sort()
    .map((name) => ({ name, value: ours.get(name)! }));
  // The CA key volume is the sidecar's alone: a mount of it in vmcp (copied from somewhere) is removed.
  const kept = (container.volumeMounts ?? []).filter((m) => m.name !== CA_KEY_VOLUME_NAME);
  const mounts = kept.filter((m) => m.name !== CA_VOLUME_NAME);
  const caMount = { name: CA_VOLUME_NAME, mountPath: CA_DIR, readOnly: true };
  const at = kept.findIndex((m) => m.name === CA_VOLUME_NAME);
  if (at >= 0) mounts.splice(at, 0, caMount);
  else mounts.push(caMount);
  return { ...container, env: [...updated, ...added], volumeMounts: mounts };
}

/** A user's SSL_CERT_DIR replaces Go's defaults, so keep theirs and add only the sidecar CA directory. */
function certDirs(existing: string | undefined): string {
  const dirs = (existing ?? '').split(':').filter((d) => d !== '');
  if (dirs.length === 0) return `${SYSTEM_CERT_DIR}:${CA_DIR}`;
  return dirs.includes(CA_DIR) ? dirs.join(':') : [...dirs, CA_DIR].join(':');
}
