import { createHash } from 'node:crypto';
import type { V1Container, V1EnvVar, V1Pod, V1Volume } from '@kubernetes/client-node';
import { ROUTES_ENV_VAR } from '../../contract/envNames.js';
import { SIDECAR_CONTAINER_NAME, STATUS_ANNOTATION, VMCP_CONTAINER_NAME } from '../../contract/labels.js';
import { ROUTE_CONFIG_VERSION, routeConfigSchema, serializeRouteConfig, type RouteConfig } from '../../contract/routes.js';
import {
  CA_KEY_VOLUME_NAME,
  CA_VOLUME_NAME,
  GLIBC_TUNABLES_ENV_VAR,
  NODE_OPTIONS_ENV_VAR,
  SIDECAR_GLIBC_TUNABLES,
  SIDECAR_NODE_OPTIONS,
} from '../../contract/sidecar.js';
import { stableStringify } from '../../contract/stableJson.js';
import type { MCPServerEntry, VirtualMCPServer } from '../../contract/toolhive.js';
import { forwardingEntriesFor } from './entries.js';
import { envFromWarnings } from './envFrom.js';
import type { SecretBindings } from './hostBindings.js';
import { buildNoProxy } from './noProxy.js';
import { CA_BUNDLE_VOLUME_PREFIX, planRoutes } from './routes.js';
import type { InjectSettings } from './settings.js';
import { sidecarContainer, sidecarVolumes } from './sidecar.js';
import { detectNativeForwarding, sealVmcpEnv } from './toolhiveForwarding.js';
import { PlanError, readProxyEnv, withProxyEnv, type UpstreamProxy } from './vmcpContainer.js';

// planPod: (pod, vmcp, entries, settings) -> the pod as it should be. The patch is the diff of the two
// (patch.ts), so a pod already in the desired state gives an empty patch and a stale one is corrected in place.

export interface PlanInput {
  vmcp: VirtualMCPServer;
  /** Entries of the pod's namespace; those in the vmcp's group with headerForward are used. */
  entries: readonly MCPServerEntry[];
  settings: InjectSettings;
  /** Secret name -> allowed host patterns, from the Secrets' allowed-hosts annotations (hostBindings.ts). */
  secretBindings?: SecretBindings;
}

export interface Plan {
  pod: V1Pod;
  /** Hash of the sidecar container and volumes, also written to the status annotation ('' when nothing to do). */
  statusHash: string;
  /** Entries left out, envFrom sources whose proxy settings get overridden, NO_PROXY elements dropped: AdmissionResponse warnings and logs. */
  warnings: string[];
  routeCount: number;
  /** Entries vMCP forwards whole by itself (ToolHive >= v0.27.2; `defer`, or nothing left to seal): no route. */
  forwardedByToolhive: string[];
  /** Env vars of the vmcp container sealed: their Secret moved to the sidecar, a placeholder left in its place. */
  sealedEnv: string[];
}

export function planPod(pod: V1Pod, { vmcp, entries, settings, secretBindings }: PlanInput): Plan {
  const desired = structuredClone(pod);
  const spec = desired.spec;
  const vmcpIndex = spec?.containers.findIndex((c) => c.name === VMCP_CONTAINER_NAME) ?? -1;
  if (spec === undefined || vmcpIndex < 0) {
    throw new PlanError(`spec.containers: the pod has no container named "${VMCP_CONTAINER_NAME}"`, 'spec.containers');
  }
  const native = detectNativeForwarding(spec.containers[vmcpIndex]!);
  const routePlan = planRoutes(forwardingEntriesFor(vmcp, entries), secretBindings, { mode: settings.toolhiveForwarding, native });
  const { forwardedByToolhive, sealedEnv } = routePlan;
  if (routePlan.routes.length === 0) {
    return { pod: desired, statusHash: '', warnings: routePlan.warnings, routeCount: 0, forwardedByToolhive, sealedEnv: [] };
  }

  const sidecarUrl = `http://127.0.0.1:${settings.proxyPort}`;
  const vmcpField = `spec.containers[${vmcpIndex}]`;
  const vmcpBefore = spec.containers[vmcpIndex]!;
  const proxyEnv = readProxyEnv(vmcpBefore, sidecarUrl, vmcpField);
  const previous = findSidecar(desired);
  const upstream = proxyEnv.upstream ?? previousUpstream(previous?.container);

  const routeConfig: RouteConfig = {
    version: ROUTE_CONFIG_VERSION,
    routes: routePlan.routes,
    ...(upstream ? { upstreamProxy: upstream } : {}),
  };
  const env: V1EnvVar[] = [
    ...routePlan.secretEnv,
    { name: ROUTES_ENV_VAR, value: serializeRouteConfig(routeConfig) },
    { name: NODE_OPTIONS_ENV_VAR, value: SIDECAR_NODE_OPTIONS },
    { name: GLIBC_TUNABLES_ENV_VAR, value: SIDECAR_GLIBC_TUNABLES },
  ];
  env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const sidecar = sidecarContainer({ settings, env, caBundles: routePlan.caBundles });
  const volumes = sidecarVolumes(routePlan.caBundles);
  const statusHash = sidecarHash(sidecar, volumes);

  placeSidecar(desired, sidecar, settings.mode, previous);
  spec.volumes = withOurVolumes(spec.volumes ?? [], volumes);
  const noProxy = buildNoProxy({
    existing: proxyEnv.noProxy,
    routedHosts: routePlan.routes.map((r) => new URL(r.remoteUrl).hostname),
    apiServerHosts: settings.apiServerHosts,
    clusterDomain: settings.clusterDomain,
  });
  spec.containers[vmcpIndex] = sealVmcpEnv(
    withProxyEnv(spec.containers[vmcpIndex]!, { sidecarUrl, noProxy: noProxy.value }),
    new Set(sealedEnv),
  );
  desired.metadata = {
    ...desired.metadata,
    annotations: { ...desired.metadata?.annotations, [STATUS_ANNOTATION]: statusHash },
  };
  const warnings = [...routePlan.warnings, ...envFromWarnings(vmcpBefore, sidecarUrl)];
  if (noProxy.dropped.length > 0) {
    warnings.push(`NO_PROXY of container "${VMCP_CONTAINER_NAME}" leaves out ${noProxy.dropped.join(', ')}: they match a routed host`);
  }
  const unsealed = [...native.secretEnv.keys()].filter(
    (name) => native.secretEnv.get(name)!.valueFrom !== undefined && !sealedEnv.includes(name),
  );
  if (settings.toolhiveForwarding === 'seal' && unsealed.length > 0) {
    warnings.push(
      `container "${VMCP_CONTAINER_NAME}" keeps the Secret of ${unsealed.join(', ')}: no route of this pod seals it (entry changed or left out above)`,
    );
  }
  return { pod: desired, statusHash, warnings, routeCount: routePlan.routes.length, forwardedByToolhive, sealedEnv };
}

/** Same sidecar config, same hash: the status annotation tells a stale pod from a current one. */
export function sidecarHash(sidecar: V1Container, volumes: readonly V1Volume[]): string {
  return createHash('sha256').update(stableStringify({ sidecar, volumes })).digest('hex').slice(0, 16);
}

interface FoundSidecar {
  list: 'initContainers' | 'containers';
  index: number;
  container: V1Container;
}

function findSidecar(pod: V1Pod): FoundSidecar | undefined {
  for (const list of ['initContainers', 'containers'] as const) {
    const index = (pod.spec?.[list] ?? []).findIndex((c) => c.name === SIDECAR_CONTAINER_NAME);
    if (index >= 0) return { list, index, container: pod.spec![list]![index]! };
  }
  return undefined;
}

/** After our own injection the vmcp proxy env points at the sidecar: the user's proxy lives in the old route config. */
function previousUpstream(container: V1Container | undefined): UpstreamProxy | undefined {
  const raw = container?.env?.find((e) => e.name === ROUTES_ENV_VAR)?.value;
  if (raw === undefined) return undefined;
  try {
    return routeConfigSchema.parse(JSON.parse(raw)).upstreamProxy;
  } catch {
    return undefined;
  }
}

/** A stale sidecar is replaced where it stands; a new one goes first among initContainers (or last container). */
function placeSidecar(pod: V1Pod, sidecar: V1Container, mode: InjectSettings['mode'], previous?: FoundSidecar): void {
  const spec = pod.spec!;
  const list = mode === 'native' ? 'initContainers' : 'containers';
  if (previous !== undefined && previous.list === list) {
    spec[list]![previous.index] = sidecar;
    return;
  }
  if (previous !== undefined) {
    spec[previous.list] = spec[previous.list]!.filter((c) => c.name !== SIDECAR_CONTAINER_NAME);
    if (spec.initContainers?.length === 0) delete spec.initContainers;
  }
  if (list === 'initContainers') spec.initContainers = [sidecar, ...(spec.initContainers ?? [])];
  else spec.containers = [...spec.containers, sidecar];
}

function isOurVolume(name: string): boolean {
  return name === CA_VOLUME_NAME || name === CA_KEY_VOLUME_NAME || name.startsWith(CA_BUNDLE_VOLUME_PREFIX);
}

/** Ours replaced in place, stale ones of ours removed, new ones appended; everyone else's untouched. */
function withOurVolumes(existing: readonly V1Volume[], ours: readonly V1Volume[]): V1Volume[] {
  const wanted = new Map(ours.map((v) => [v.name, v]));
  const kept = existing.filter((v) => !isOurVolume(v.name) || wanted.has(v.name)).map((v) => wanted.get(v.name) ?? v);
  const present = new Set(kept.map((v) => v.name));
  return [...kept, ...ours.filter((v) => !present.has(v.name))];
}
