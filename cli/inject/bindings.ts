import type { V1Pod } from '@kubernetes/client-node';
import { referencedSecretsFor, secretBindingsFrom, type SecretAnnotations, type SecretBindings } from '../../webhook/mutate/hostBindings.js';
import type { InjectContext } from '../../webhook/mutate/inject.js';
import type { KubeObject } from '../../webhook/mutate/workload.js';

// Host binding for `inject`, offline: the webhook GETs each referenced Secret for its allowed-hosts annotation;
// here the Secrets come from the input files (metadata only: data is never read). Pure: objects in, bindings out.

/** `namespace/name` -> the Secret's annotations, for every `kind: Secret` in the files. */
export type GivenSecrets = ReadonlyMap<string, Readonly<Record<string, string>>>;

export function givenSecretsFrom(objects: readonly KubeObject[], defaultNamespace: string, source: string): Map<string, Readonly<Record<string, string>>> {
  const secrets = new Map<string, Readonly<Record<string, string>>>();
  for (const object of objects) {
    if (object.kind !== 'Secret' || object.apiVersion !== 'v1') continue;
    const name = object.metadata?.name;
    if (typeof name !== 'string' || name === '') throw new Error(`${source}: Secret without metadata.name`);
    const annotations = (object.metadata?.annotations ?? {}) as Record<string, unknown>;
    if (typeof annotations !== 'object' || Array.isArray(annotations) || Object.values(annotations).some((v) => typeof v !== 'string')) {
      throw new Error(`${source}: Secret ${name}: metadata.annotations must map keys to strings`);
    }
    secrets.set(`${object.metadata?.namespace || defaultNamespace}/${name}`, annotations as Record<string, string>);
  }
  return secrets;
}

/**
 * The bindings the webhook would compute for this pod. A referenced Secret missing from the files is unknown,
 * not absent: without --require-host-binding it stays unbound (as before); with it the pod is refused, as the
 * webhook refuses when it cannot read an annotation.
 */
export function bindingsForPod(
  pod: V1Pod,
  ctx: Pick<InjectContext, 'namespace' | 'findVmcp' | 'entriesIn'>,
  given: GivenSecrets,
  requireHostBinding: boolean,
): { bindings: SecretBindings } | { error: string } {
  const namespace = pod.metadata?.namespace || ctx.namespace;
  const annotations = new Map<string, SecretAnnotations>();
  const unknown: string[] = [];
  for (const name of referencedSecretsFor(pod, { ...ctx, namespace })) {
    const found = given.get(`${namespace}/${name}`);
    if (found !== undefined) annotations.set(name, found);
    else unknown.push(name);
  }
  if (requireHostBinding && unknown.length > 0) {
    const names = unknown.map((n) => JSON.stringify(n)).join(', ');
    return {
      error: `--require-host-binding needs the allowed-hosts annotation of Secret${unknown.length > 1 ? 's' : ''} ${names} in namespace ${JSON.stringify(namespace)}: add ${unknown.length > 1 ? 'them' : 'it'} (metadata is enough) to --objects or -f`,
    };
  }
  return { bindings: secretBindingsFrom(annotations, requireHostBinding) };
}
