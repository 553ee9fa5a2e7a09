import type { V1Container, V1EnvFromSource } from '@kubernetes/client-node';
import { INJECT_ANNOTATION } from '../../contract/labels.js';
import { NO_PROXY_ENV_NAMES, PROXY_ENV_NAMES, SSL_CERT_DIR_ENV } from './vmcpContainer.js';

// Proxy and trust settings that reach the vmcp container through `envFrom` (a ConfigMap or Secret) cannot be
// chained: the injector reads no ConfigMap (least privilege: it has no RBAC for them) and reads Secrets only for
// their allowed-hosts annotation, never to copy a value (a proxy URL may carry credentials) into the pod spec. The
// env entries it adds take precedence over envFrom (kubelet rule), so such values would be dropped silently.
// It does not guess and does not refuse (most envFrom sources hold no proxy settings): it warns, naming the
// container, the source, the variables at stake and the fix.

/** What the injector sets on vmcp and would override in an envFrom source, in the order they are named. */
export const OVERRIDDEN_ENV_NAMES = [...PROXY_ENV_NAMES, ...NO_PROXY_ENV_NAMES, SSL_CERT_DIR_ENV] as const;

function describeSource(source: V1EnvFromSource): string {
  const kind = source.configMapRef
    ? `ConfigMap "${source.configMapRef.name ?? ''}"`
    : source.secretRef
      ? `Secret "${source.secretRef.name ?? ''}"`
      : 'an unknown source';
  return source.prefix ? `${kind} with prefix "${source.prefix}"` : kind;
}

/**
 * Names an envFrom source may define (any key, after its prefix) that the container's own `env` does not set:
 * `env` wins over envFrom, so a name the user sets there is theirs. A proxy variable equal to the sidecar URL is
 * the injector's own (a re-planned pod) and does not count as the user's.
 */
export function namesAtStake(container: V1Container, source: V1EnvFromSource, sidecarUrl: string): string[] {
  const prefix = source.prefix ?? '';
  const userSets = (name: string): boolean => {
    const entry = (container.env ?? []).filter((e) => e.name === name).at(-1);
    if (entry === undefined) return false;
    return !(PROXY_ENV_NAMES as readonly string[]).includes(name) || entry.valueFrom !== undefined || entry.value !== sidecarUrl;
  };
  return OVERRIDDEN_ENV_NAMES.filter((name) => name.startsWith(prefix) && !userSets(name));
}

/** One AdmissionResponse warning per envFrom source of the vmcp container that may hold proxy or trust settings. */
export function envFromWarnings(container: V1Container, sidecarUrl: string): string[] {
  const warnings: string[] = [];
  for (const [index, source] of (container.envFrom ?? []).entries()) {
    const names = namesAtStake(container, source, sidecarUrl);
    if (names.length === 0) continue;
    const proxies = names.filter((n) => (PROXY_ENV_NAMES as readonly string[]).includes(n));
    const replaced = names.filter((n) => !proxies.includes(n));
    const effects = [
      ...(proxies.length > 0 ? ['a proxy set there is not chained behind the sidecar (outbound traffic would skip it)'] : []),
      ...(replaced.length > 0
        ? [`${replaced.join(', ')} set there ${replaced.length === 1 ? 'is' : 'are'} replaced by the injector's`]
        : []),
    ];
    warnings.push(
      `container "${container.name}": envFrom[${index}] (${describeSource(source)}) may define ${names.join(', ')}; ` +
        `the injector cannot read it and the env it adds overrides those values: ${effects.join('; ')}. ` +
        `Fix: set them under env of container "${container.name}" with literal values (the injector chains or keeps them), ` +
        `or opt the pod out with the annotation ${INJECT_ANNOTATION}: "false"`,
    );
  }
  return warnings;
}
