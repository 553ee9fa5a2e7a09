import type { V1Container, V1EnvVar, V1Probe, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME } from '../../contract/labels.js';
import {
  CA_DIR,
  CA_KEY_DIR,
  CA_KEY_VOLUME_NAME,
  CA_VOLUME_NAME,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INTERCEPTED,
  HEALTHZ_PATH,
  READYZ_PATH,
} from '../../contract/sidecar.js';
import type { CaBundleMount } from './routes.js';
import type { InjectSettings } from './settings.js';

// The sidecar container and the volumes it needs, written out in full including the fields the API
// server would default: the stored pod then equals the plan, so re-planning it yields an empty patch.

export const ADMIN_PORT_NAME = 'hf-admin';

export interface SidecarInput {
  settings: InjectSettings;
  /** Secret env vars and the route config, already sorted by name. */
  env: V1EnvVar[];
  caBundles: readonly CaBundleMount[];
}

export function sidecarContainer({ settings, env, caBundles }: SidecarInput): V1Container {
  const mounts: V1VolumeMount[] = [
    { name: CA_VOLUME_NAME, mountPath: CA_DIR },
    { name: CA_KEY_VOLUME_NAME, mountPath: CA_KEY_DIR },
    ...caBundles.map((b) => ({ name: b.volumeName, mountPath: b.mountPath, readOnly: true })),
  ];
  return {
    name: SIDECAR_CONTAINER_NAME,
    image: settings.image,
    imagePullPolicy: settings.imagePullPolicy,
    args: [
      'sidecar',
      '--proxy-listen',
      `127.0.0.1:${settings.proxyPort}`,
      '--admin-listen',
      `0.0.0.0:${settings.adminPort}`,
      '--ca-dir',
      CA_DIR,
      '--ca-key-dir',
      CA_KEY_DIR,
      ...limitArgs(settings),
    ],
    env,
    ports: [{ name: ADMIN_PORT_NAME, containerPort: settings.adminPort, protocol: 'TCP' }],
    // The vmcp container starts only after this succeeds: proxy listening and CA written.
    startupProbe: probe(READYZ_PATH, settings.adminPort, { periodSeconds: 1, failureThreshold: 60 }),
    readinessProbe: probe(READYZ_PATH, settings.adminPort, { periodSeconds: 5, failureThreshold: 3 }),
    livenessProbe: probe(HEALTHZ_PATH, settings.adminPort, { periodSeconds: 10, failureThreshold: 3 }),
    resources: resourcesOf(settings),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: settings.runAsUser,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(settings.mode === 'native' ? { restartPolicy: 'Always' } : {}),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: mounts,
  };
}

export function sidecarVolumes(caBundles: readonly CaBundleMount[]): V1Volume[] {
  return [
    // Memory-backed: the CA certificate is small and must not outlive the pod.
    { name: CA_VOLUME_NAME, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
    // The CA key (+ cert) for sidecar restarts: memory-backed, pod-lived, a few hundred bytes; sidecar-only.
    { name: CA_KEY_VOLUME_NAME, emptyDir: { medium: 'Memory', sizeLimit: '64Ki' } },
    ...caBundles.map((b) => ({ name: b.volumeName, configMap: { name: b.configMap, defaultMode: 0o644 } })),
  ];
}

function probe(path: string, port: number, timing: { periodSeconds: number; failureThreshold: number }): V1Probe {
  return {
    httpGet: { path, port, scheme: 'HTTP' },
    periodSeconds: timing.periodSeconds,
    failureThreshold: timing.failureThreshold,
    successThreshold: 1,
    timeoutSeconds: 1,
  };
}

function resourcesOf(settings: InjectSettings): NonNullable<V1Container['resources']> {
  const { requests, limits } = settings.resources;
  return {
    ...(requests && Object.keys(requests).length > 0 ? { requests: { ...requests } } : {}),
    ...(limits && Object.keys(limits).length > 0 ? { limits: { ...limits } } : {}),
  };
}

/** Only limits that differ from the sidecar's own defaults: pods injected before these flags existed stay current. */
function limitArgs(settings: InjectSettings): string[] {
  const { intercepted, connections } = settings.limits;
  return [
    ...(intercepted !== DEFAULT_MAX_INTERCEPTED ? ['--max-intercepted-connections', String(intercepted)] : []),
    ...(connections !== DEFAULT_MAX_CONNECTIONS ? ['--max-connections', String(connections)] : []),
  ];
}
