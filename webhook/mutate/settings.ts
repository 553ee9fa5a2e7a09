import { DEFAULT_TOOLHIVE_FORWARDING, type ToolhiveForwardingMode } from '../../contract/sealing.js';
import { DEFAULT_ADMIN_PORT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_INTERCEPTED, DEFAULT_PROXY_PORT } from '../../contract/sidecar.js';

// What the injector needs to know that is not in the pod or the CRs: the sidecar image, its shape, the cluster.
export const SIDECAR_MODES = ['native', 'container'] as const;
export type SidecarMode = (typeof SIDECAR_MODES)[number];

export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;
export type PullPolicy = (typeof PULL_POLICIES)[number];

export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface SidecarResources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface InjectSettings {
  image: string;
  imagePullPolicy: PullPolicy;
  /** native: initContainer with restartPolicy Always (Kubernetes >= 1.29); container: a regular container. */
  mode: SidecarMode;
  resources: SidecarResources;
  proxyPort: number;
  adminPort: number;
  /** The sidecar runs as this non-root UID (the image's nonroot user). */
  runAsUser: number;
  /** Hosts of the API server as the vmcp container may reach it; always in NO_PROXY. */
  apiServerHosts: readonly string[];
  /** Cluster DNS suffix; `.svc` and `.<clusterDomain>` go into NO_PROXY unless a routed host needs them. */
  clusterDomain: string;
  /** Namespaces never injected, whatever their labels (kube-system, kube-public, the webhook's own). */
  excludedNamespaces: readonly string[];
  /** Entries vMCP forwards itself (ToolHive >= v0.27.2): seal their Secrets, defer to vMCP, or ignore that it does. */
  toolhiveForwarding: ToolhiveForwardingMode;
  /** The sidecar's connection limits (its --max-intercepted-connections and --max-connections). */
  limits: { intercepted: number; connections: number };
}

/** The project's image (the CLI's entrypoint is also the sidecar); the CLI adds its own version as the tag. */
export const IMAGE_REPOSITORY = 'ghcr.io/mcp-header-forward/mcp-header-forward';
export const DEFAULT_IMAGE = `${IMAGE_REPOSITORY}:latest`;

export const DEFAULT_SETTINGS: InjectSettings = Object.freeze({
  image: DEFAULT_IMAGE,
  imagePullPolicy: 'IfNotPresent',
  mode: 'native',
  resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '192Mi' } },
  proxyPort: DEFAULT_PROXY_PORT,
  adminPort: DEFAULT_ADMIN_PORT,
  runAsUser: 65532,
  apiServerHosts: ['kubernetes.default.svc'],
  clusterDomain: 'cluster.local',
  excludedNamespaces: ['kube-system', 'kube-public'],
  toolhiveForwarding: DEFAULT_TOOLHIVE_FORWARDING,
  limits: { intercepted: DEFAULT_MAX_INTERCEPTED, connections: DEFAULT_MAX_CONNECTIONS },
});

/**
 * The API server's names as seen from a pod: the service IP the kubelet injects (KUBERNETES_SERVICE_HOST)
 * plus the service's DNS names, so API traffic never detours through the sidecar.
 */
export function apiServerHostsFrom(serviceHost: string | undefined, clusterDomain: string): string[] {
  const hosts = ['kubernetes.default.svc', `kubernetes.default.svc.${clusterDomain}`];
  if (serviceHost !== undefined && serviceHost.trim() !== '') hosts.push(serviceHost.trim());
  return hosts;
}
