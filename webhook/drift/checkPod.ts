import type { V1Pod } from '@kubernetes/client-node';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import { readSecretBindings } from '../cluster/secretBindings.js';
import type { ToolhiveLookup } from '../cluster/toolhiveIndex.js';
import { referencedSecretsFor } from '../mutate/hostBindings.js';
import type { InjectContext } from '../mutate/inject.js';
import type { InjectSettings } from '../mutate/settings.js';
import type { GetSecret } from '../validate/lookup.js';
import { podFinding, type PodFinding } from './finding.js';
import { possibleRotations, rotationFinding } from './secretRotation.js';
import type { SecretFollower } from './secretFollower.js';

// One pod's drift, shared by the drift loop and `report --pods`: read the host bindings of the Secrets its
// entries reference (as the injector does), plan it with the injector's engine, then ask the Secret follower.

export interface PodCheckDeps {
  lookup: ToolhiveLookup;
  /** The namespace's inject label value, undefined when absent. */
  injectLabel(namespace: string): string | undefined;
  settings: InjectSettings;
  hostBinding: { getSecret: GetSecret; requireHostBinding: boolean };
  /** --follow-secrets: set to compare the sidecar's start with its Secrets' data changes. */
  follower?: SecretFollower;
}

/** `warnings`: what might be wrong but cannot be told (a Secret possibly rotated): shown by `report`, never acted on. */
export type PodCheck = { finding: PodFinding; warnings?: string[] } | { error: string };

export async function checkPod(pod: V1Pod, deps: PodCheckDeps): Promise<PodCheck> {
  const namespace = pod.metadata?.namespace ?? '';
  const ctxBase: Pick<InjectContext, 'namespace' | 'findVmcp' | 'entriesIn'> = {
    namespace,
    findVmcp: (ns, n) => deps.lookup.vmcp(ns, n),
    entriesIn: (ns) => deps.lookup.entries(ns),
  };
  const names = referencedSecretsFor(pod, ctxBase);
  const getSecret = deps.follower?.wrap(deps.hostBinding.getSecret) ?? deps.hostBinding.getSecret;
  const bindings = names.length === 0 ? { bindings: new Map() } : await readSecretBindings(namespace, names, { ...deps.hostBinding, getSecret });
  if ('error' in bindings) return { error: `cannot read its Secrets' host binding: ${bindings.error}` };
  const injectLabel = deps.injectLabel(namespace);
  const planned = podFinding(pod, {
    ...ctxBase,
    ...(injectLabel !== undefined ? { namespaceLabels: { [INJECT_NAMESPACE_LABEL]: injectLabel } } : {}),
    settings: deps.settings,
    secretBindings: bindings.bindings,
  });
  const follower = deps.follower;
  if (follower === undefined || planned.finding !== 'ok') return { finding: planned };
  const followed = (name: string) => follower.followed(namespace, name);
  const rotated = rotationFinding(pod, followed, planned.actualHash);
  if (rotated !== undefined) return { finding: rotated };
  const maybe = possibleRotations(pod, followed);
  return maybe.length === 0 ? { finding: planned } : { finding: planned, warnings: maybe };
}
