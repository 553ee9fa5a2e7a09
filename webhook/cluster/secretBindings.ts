import type { AnnotationsRead } from '../mutate/prepare.js';
import type { SecretAnnotations } from '../mutate/hostBindings.js';
import type { GetSecret } from '../validate/lookup.js';

// The injector's only Secret access: GET each Secret a pod's routes reference (by name, same RBAC as validation)
// to read its allowed-hosts annotation. Values are reduced to facts by the getter and never reach the planner.

export function secretAnnotationsReader(getSecret: GetSecret): (namespace: string, names: readonly string[]) => Promise<AnnotationsRead> {
  return async (namespace, names) => {
    const annotations = new Map<string, SecretAnnotations>();
    const failures: string[] = [];
    await Promise.all(
      names.map(async (name) => {
        const lookup = await getSecret(namespace, name).catch((error: unknown) => ({
          status: 'error' as const,
          reason: error instanceof Error ? error.message : String(error),
        }));
        if (lookup.status === 'found') annotations.set(name, lookup.secret.annotations);
        else if (lookup.status === 'not-found') annotations.set(name, undefined);
        else failures.push(`Secret ${JSON.stringify(name)}: ${'reason' in lookup ? lookup.reason : lookup.status}`);
      }),
    );
    // Without the annotation the binding is unknown: refuse (the controller retries) rather than guess.
    if (failures.length > 0) return { error: `could not read the allowed-hosts annotation of ${failures.sort().join('; ')}` };
    return { annotations };
  };
}
