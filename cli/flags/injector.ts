import { Option, type Command } from 'commander';
import {
  apiServerHostsFrom,
  DEFAULT_SETTINGS,
  IMAGE_REPOSITORY,
  PULL_POLICIES,
  SIDECAR_MODES,
  type InjectSettings,
  type PullPolicy,
  type SidecarMode,
} from '../../webhook/mutate/settings.js';
import { TOOLHIVE_FORWARDING_MODES, type ToolhiveForwardingMode } from '../../contract/sealing.js';
import { version } from '../version.js';
import { collect, quantity, wholeNumber } from './parsers.js';

// The injector's flags, shared by `webhook` (the /mutate route) and `inject` (offline), so both build the
// same sidecar from the same words.

export const DEFAULT_SIDECAR_IMAGE = `${IMAGE_REPOSITORY}:${version}`;

export interface SidecarFlagValues {
  sidecarImage: string;
  sidecarImagePullPolicy: PullPolicy;
  sidecarMode: SidecarMode;
  sidecarCpuRequest: string;
  sidecarMemoryRequest: string;
  sidecarCpuLimit: string;
  sidecarMemoryLimit: string;
  sidecarProxyPort: number;
  sidecarAdminPort: number;
  sidecarRunAsUser: number;
  clusterDomain: string;
  apiServerHost?: string[];
  excludeNamespace?: string[];
  toolhiveForwarding: ToolhiveForwardingMode;
  sidecarMaxInterceptedConnections: number;
  sidecarMaxConnections: number;
}

export function addSidecarOptions(command: Command): Command {
  const d = DEFAULT_SETTINGS;
  return command
    .addOption(
      new Option('--sidecar-image <ref>', "image of the header-forwarding sidecar (this CLI's image)").default(DEFAULT_SIDECAR_IMAGE),
    )
    .addOption(
      new Option('--sidecar-image-pull-policy <policy>', 'imagePullPolicy of the sidecar')
        .choices(PULL_POLICIES)
        .default(d.imagePullPolicy),
    )
    .addOption(
      new Option(
        '--sidecar-mode <mode>',
        'native: initContainer with restartPolicy Always (Kubernetes >= 1.29); container: a regular container',
      )
        .choices(SIDECAR_MODES)
        .default(d.mode),
    )
    .addOption(
      new Option('--sidecar-cpu-request <quantity>', 'CPU request ("" for none)')
        .default(d.resources.requests?.cpu ?? '')
        .argParser(quantity('--sidecar-cpu-request')),
    )
    .addOption(
      new Option('--sidecar-memory-request <quantity>', 'memory request ("" for none)')
        .default(d.resources.requests?.memory ?? '')
        .argParser(quantity('--sidecar-memory-request')),
    )
    .addOption(
      new Option('--sidecar-cpu-limit <quantity>', 'CPU limit ("" for none)')
        .default(d.resources.limits?.cpu ?? '')
        .argParser(quantity('--sidecar-cpu-limit')),
    )
    .addOption(
      new Option('--sidecar-memory-limit <quantity>', 'memory limit ("" for none)')
        .default(d.resources.limits?.memory ?? '')
        .argParser(quantity('--sidecar-memory-limit')),
    )
    .addOption(
      new Option('--sidecar-proxy-port <port>', 'loopback port of the proxy (HTTP_PROXY of the vmcp container)')
        .default(d.proxyPort)
        .argParser(wholeNumber('--sidecar-proxy-port', 1, 65535)),
    )
    .addOption(
      new Option('--sidecar-admin-port <port>', 'port of /healthz, /readyz, /metrics (probes)')
        .default(d.adminPort)
        .argParser(wholeNumber('--sidecar-admin-port', 1, 65535)),
    )
    .addOption(
      new Option('--sidecar-run-as-user <uid>', 'non-root UID the sidecar runs as')
        .default(d.runAsUser)
        .argParser(wholeNumber('--sidecar-run-as-user', 1, 2147483647)),
    )
    .addOption(
      new Option(
        '--sidecar-max-intercepted-connections <n>',
        'concurrent intercepted (TLS-terminated) tunnels per sidecar; more are answered 503',
      )
        .default(d.limits.intercepted)
        .argParser(wholeNumber('--sidecar-max-intercepted-connections', 1, 1_000_000)),
    )
    .addOption(
      new Option('--sidecar-max-connections <n>', 'concurrent client connections per sidecar; more are dropped')
        .default(d.limits.connections)
        .argParser(wholeNumber('--sidecar-max-connections', 1, 1_000_000)),
    )
    .addOption(
      new Option(
        '--cluster-domain <domain>',
        'cluster DNS suffix; .svc and .<domain> go into NO_PROXY unless a routed host needs them',
      ).default(d.clusterDomain),
    )
    .addOption(
      new Option(
        '--api-server-host <host>',
        'API server host for NO_PROXY (repeatable; default: $KUBERNETES_SERVICE_HOST and kubernetes.default.svc[.<domain>])',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--toolhive-forwarding <mode>',
        'entries vMCP already forwards itself (ToolHive >= v0.27.2, seen on the pod): seal (its Secret moves to the sidecar, vMCP sends a placeholder), defer (left to vMCP), ignore (the sidecar adds every header)',
      )
        .choices(TOOLHIVE_FORWARDING_MODES)
        .default(d.toolhiveForwarding),
    )
    .addOption(
      new Option(
        '--exclude-namespace <ns>',
        `namespace never injected (repeatable; default: ${d.excludedNamespaces.join(', ')} and $POD_NAMESPACE)`,
      ).argParser(collect),
    );
}

/** Flags -> settings; throws naming the flag when they do not fit together. */
export function injectSettingsFrom(values: SidecarFlagValues, env: NodeJS.ProcessEnv = process.env): InjectSettings {
  if (values.sidecarProxyPort === values.sidecarAdminPort) {
    throw new Error(`--sidecar-proxy-port and --sidecar-admin-port are both ${values.sidecarAdminPort}; give them different ports`);
  }
  if (values.sidecarImage.trim() === '') throw new Error('--sidecar-image must not be empty');
  const resources = (cpu: string, memory: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });
  const requests = resources(values.sidecarCpuRequest, values.sidecarMemoryRequest);
  const limits = resources(values.sidecarCpuLimit, values.sidecarMemoryLimit);
  const ownNamespace = env.POD_NAMESPACE?.trim();
  return {
    image: values.sidecarImage.trim(),
    imagePullPolicy: values.sidecarImagePullPolicy,
    mode: values.sidecarMode,
    resources: {
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    },
    proxyPort: values.sidecarProxyPort,
    adminPort: values.sidecarAdminPort,
    runAsUser: values.sidecarRunAsUser,
    clusterDomain: values.clusterDomain,
    apiServerHosts: values.apiServerHost ?? apiServerHostsFrom(env.KUBERNETES_SERVICE_HOST, values.clusterDomain),
    excludedNamespaces: [
      ...new Set([...(values.excludeNamespace ?? DEFAULT_SETTINGS.excludedNamespaces), ...(ownNamespace ? [ownNamespace] : [])]),
    ],
    toolhiveForwarding: values.toolhiveForwarding,
    limits: { intercepted: values.sidecarMaxInterceptedConnections, connections: values.sidecarMaxConnections },
  };
}
