import type { V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { Operation } from 'fast-json-patch';
import { injectPod, type InjectContext, type InjectResult } from './inject.js';
import { patchFor } from './patch.js';

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
  const annotations = pod.metadata?.annotations;
  template.metadata = { ...template.metadata, ...(annotations ? { annotations } : {}) };
  template.spec = pod.spec;
  return copy;
}

/** JSON pointer of the pod spec inside the object, for readable patches of workloads. */
export function podSpecPointer(object: KubeObject): string {
  if (object.kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  return object.kind === 'Pod' ? '/spec' : '/spec/template/spec';
}

/** Plan one pod-like object: the mutated object and the patch against the original, whole-object paths. */
export function injectObject(object: KubeObject, ctx: InjectContext): { object: KubeObject; patch: Operation[]; result: InjectResult } {
  const pod = podOf(object);
  if (pod === undefined) throw new Error(`${object.kind ?? 'object'} "${object.metadata?.name ?? ''}" has no pod or pod template`);
  const namespace = object.metadata?.namespace || ctx.namespace;
  const result = injectPod(pod, { ...ctx, namespace });
  if (result.plan === undefined || result.patch.length === 0) return { object, patch: [], result };
  const mutated = withPod(object, result.plan.pod);
  return { object: mutated, patch: patchFor(object, mutated, podSpecPointer(object)), result };
}
