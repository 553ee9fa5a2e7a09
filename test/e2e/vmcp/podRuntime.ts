import { join } from 'node:path';
import type { V1ConfigMap, V1Container, V1EnvVar, V1Pod, V1Secret, V1Volume } from '@kubernetes/client-node';

// A tiny stand-in for the kubelet, pure: what one container of a pod would run with, as a local process.
// Env values and secretKeyRef/configMapKeyRef are resolved from given Secret/ConfigMap objects; each
// volume mount becomes a host directory (emptyDirs shared between containers, ConfigMap/Secret volumes
// filled with their keys) and the mount path is rewritten to that directory wherever the container's
// args or env name it. Nothing else is changed.

export interface PodObjects {
  secrets: readonly V1Secret[];
  configMaps: readonly V1ConfigMap[];
}

export interface VolumeDir {
  volume: string;
  mountPath: string;
  hostDir: string;
  /** File name -> content to write before the process starts (empty for emptyDir). */
  files: Record<string, string>;
}

export interface ContainerProcess {
  container: string;
  /** `command` when the container overrides the image's entrypoint. */
  command?: string[];
  args: string[];
  env: Record<string, string>;
  volumes: VolumeDir[];
}

function findContainer(pod: V1Pod, name: string): { container: V1Container; field: string } {
  for (const list of ['initContainers', 'containers'] as const) {
    const index = (pod.spec?.[list] ?? []).findIndex((c) => c.name === name);
    if (index >= 0) return { container: pod.spec![list]![index]!, field: `spec.${list}[${index}]` };
  }
  throw new Error(`pod "${pod.metadata?.name ?? ''}" has no container or initContainer named "${name}"`);
}

function decoded(secret: V1Secret, key: string): string | undefined {
  const raw = secret.data?.[key];
  if (raw !== undefined) return Buffer.from(raw, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

function byName<T extends { metadata?: { name?: string; namespace?: string } }>(
  items: readonly T[],
  namespace: string,
  name: string,
): T | undefined {
  return items.find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? namespace) === namespace);
}

function resolveEnvVar(env: V1EnvVar, field: string, namespace: string, objects: PodObjects): string | undefined {
  if (env.valueFrom === undefined) return env.value ?? '';
  const { secretKeyRef, configMapKeyRef } = env.valueFrom;
  if (secretKeyRef !== undefined) {
    const secret = byName(objects.secrets, namespace, secretKeyRef.name ?? '');
    const value = secret === undefined ? undefined : decoded(secret, secretKeyRef.key);
    if (value !== undefined || secretKeyRef.optional === true) return value;
    throw new Error(
      `${field}.valueFrom.secretKeyRef: Secret "${namespace}/${secretKeyRef.name ?? ''}" key "${secretKeyRef.key}" not found among the test Secrets; add it to the fixture`,
    );
  }
  if (configMapKeyRef !== undefined) {
    const value = byName(objects.configMaps, namespace, configMapKeyRef.name ?? '')?.data?.[configMapKeyRef.key];
    if (value !== undefined || configMapKeyRef.optional === true) return value;
    throw new Error(
      `${field}.valueFrom.configMapKeyRef: ConfigMap "${namespace}/${configMapKeyRef.name ?? ''}" key "${configMapKeyRef.key}" not found among the test ConfigMaps`,
    );
  }
  throw new Error(`${field}.valueFrom: only secretKeyRef and configMapKeyRef can be resolved outside a cluster`);
}

function volumeFiles(volume: V1Volume, field: string, namespace: string, objects: PodObjects): Record<string, string> {
  if (volume.emptyDir !== undefined) return {};
  const source = volume.configMap
    ? {
        kind: 'ConfigMap',
        name: volume.configMap.name ?? '',
        items: volume.configMap.items,
        data: byName(objects.configMaps, namespace, volume.configMap.name ?? '')?.data,
      }
    : volume.secret
      ? (() => {
          const secret = byName(objects.secrets, namespace, volume.secret?.secretName ?? '');
          const keys = [...Object.keys(secret?.data ?? {}), ...Object.keys(secret?.stringData ?? {})];
          const data = secret === undefined ? undefined : Object.fromEntries(keys.map((k) => [k, decoded(secret, k)!]));
          return { kind: 'Secret', name: volume.secret?.secretName ?? '', items: volume.secret?.items, data };
        })()
      : undefined;
  if (source === undefined) throw new Error(`${field}: only emptyDir, configMap and secret volumes can be materialised outside a cluster`);
  if (source.data === undefined) throw new Error(`${field}: ${source.kind} "${namespace}/${source.name}" not found among the test objects`);
  const items = source.items ?? Object.keys(source.data).map((key) => ({ key, path: key }));
  return Object.fromEntries(
    items.map((item) => {
      const content = source.data![item.key];
      if (content === undefined) throw new Error(`${field}: ${source.kind} "${namespace}/${source.name}" has no key "${item.key}"`);
      return [item.path, content];
    }),
  );
}

/** Replace each mount path (longest first, so nested mounts win) by its host directory. */
function rewritePaths(value: string, volumes: readonly VolumeDir[]): string {
  return [...volumes]
    .sort((a, b) => b.mountPath.length - a.mountPath.length)
    .reduce((text, v) => text.replaceAll(v.mountPath, v.hostDir), value);
}

/**
 * The process one container of `pod` becomes: its args and resolved env, with mount paths under `hostRoot`
 * (one sub-directory per pod volume, so two containers mounting the same emptyDir share it).
 */
export function containerProcess(pod: V1Pod, containerName: string, objects: PodObjects, hostRoot: string): ContainerProcess {
  const { container, field } = findContainer(pod, containerName);
  const namespace = pod.metadata?.namespace ?? 'default';
  const volumes: VolumeDir[] = (container.volumeMounts ?? []).map((mount, i) => {
    const volumeIndex = (pod.spec?.volumes ?? []).findIndex((v) => v.name === mount.name);
    if (volumeIndex < 0) throw new Error(`${field}.volumeMounts[${i}]: pod has no volume named "${mount.name}"`);
    const volume = pod.spec!.volumes![volumeIndex]!;
    if (mount.subPath) throw new Error(`${field}.volumeMounts[${i}].subPath: not supported by the local runner`);
    return {
      volume: mount.name,
      mountPath: mount.mountPath,
      hostDir: join(hostRoot, mount.name),
      files: volumeFiles(volume, `spec.volumes[${volumeIndex}]`, namespace, objects),
    };
  });
  if ((container.envFrom ?? []).length > 0)
    throw new Error(`${field}.envFrom: not supported by the local runner; list env vars one by one`);
  const env: Record<string, string> = {};
  (container.env ?? []).forEach((e, i) => {
    const value = resolveEnvVar(e, `${field}.env[${i}]`, namespace, objects);
    if (value !== undefined) env[e.name] = rewritePaths(value, volumes);
  });
  const rewrite = (list: readonly string[]): string[] => list.map((a) => rewritePaths(a, volumes));
  return {
    container: containerName,
    ...(container.command ? { command: rewrite(container.command) } : {}),
    args: rewrite(container.args ?? []),
    env,
    volumes,
  };
}
