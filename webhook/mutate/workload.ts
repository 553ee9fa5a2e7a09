import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';

// Pods and the pod templates of workload objects, so `inject` works on what people keep in git
// (like istioctl kube-inject): the template is planned as a pod and written back in place.

export const TEMPLATE_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job'] as const;

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

interface TemplateHolder {
  spec?: { template?: V1PodTemplateSpec; jobTemplate?: { spec?: { template?: V1PodTemplateSpec } } };
}

function templateOf(object: KubeObject): V1PodTemplateSpec | undefined {
  const holder = object as TemplateHolder;
  if (object.kind === 'CronJob') return holder.spec?.jobTemplate?.spec?.template;
  if ((TEMPLATE_KINDS as readonly string[]).includes(object.kind ?? '')) return holder.spec?.template;
  return undefined;
}

export function isPodLike(object: KubeObject): boolean {
  return object.kind === 'Pod' || templateOf(object) !== undefined;
}

/** The pod to plan: the object itself, or its template as a Pod in the object's namespace. */
export function podOf(object: KubeObject): V1Pod | undefined {
  if (object.kind === 'Pod') return object as V1Pod;
  const template = templateOf(object);
  if (template === undefined) return undefined;
  const namespace = object.metadata?.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, ...(namespace ? { namespace } : {}) },
    spec: template.spec!,
  };
}

/** The object with its pod (or template) replaced by `pod`; templates keep their own metadata fields. */
export function withPod(object: KubeObject, pod: V1Pod): KubeObject {
  if (object.kind === 'Pod') return pod as KubeObject;
  const copy = structuredClone(object);
  const template = templateOf(copy)!;
  const { namespace: _ignored, ...podMeta } = pod.metadata ?? {};
  template.metadata = { ...template.metadata, annotations: podMeta.annotations };
  template.spec = pod.spec;
  return copy;
}
