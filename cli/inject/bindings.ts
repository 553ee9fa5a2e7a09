import type { SecretAnnotations } from '../../webhook/mutate/hostBindings.js';
import type { AnnotationsRead } from '../../webhook/mutate/prepare.js';
import type { KubeObject } from '../../webhook/mutate/workload.js';

// Host binding for `inject`, offline: the webhook GETs each referenced Secret for its allowed-hosts annotation;
// here the Secrets come from the input files (metadata only: data is never read). Pure: objects in, annotations out.

/** `namespace/name` -> the Secret's annotations, for every `kind: Secret` in the files. */
export type GivenSecrets = ReadonlyMap<string, Readonly<Record<string, string>>>;

export function givenSecretsFrom(
  objects: readonly KubeObject[],
  defaultNamespace: string,
  source: string,
): Map<string, Readonly<Record<string, string>>> {
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
 * The Secrets' annotations as the webhook would read them, from the files. A referenced Secret missing from the
 * files is unknown, not absent: without --require-host-binding it stays unbound (as before); with it the pod is
 * refused, as the webhook refuses when it cannot read an annotation.
 */
export function givenSecretAnnotations(
  given: GivenSecrets,
  requireHostBinding: boolean,
): (namespace: string, names: readonly string[]) => Promise<AnnotationsRead> {
  return async (namespace, names) => {
    const annotations = new Map<string, SecretAnnotations>();
    const unknown: string[] = [];
    for (const name of names) {
      const found = given.get(`${namespace}/${name}`);
      if (found !== undefined) annotations.set(name, found);
      else unknown.push(name);
    }
    if (requireHostBinding && unknown.length > 0) {
      const quoted = unknown.map((n) => JSON.stringify(n)).join(', ');
      return {
        error: `--require-host-binding needs the allowed-hosts annotation of Secret${unknown.length > 1 ? 's' : ''} ${quoted} in namespace ${JSON.stringify(namespace)}: add ${unknown.length > 1 ? 'them' : 'it'} (metadata is enough) to --objects or -f`,
      };
    }
    return { annotations };
  };
}
