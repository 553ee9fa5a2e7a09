import type { V1Pod } from '@kubernetes/client-node';
import { secretAnnotationsReader } from '../cluster/secretBindings.js';
import type { ToolhiveLookup } from '../cluster/toolhiveIndex.js';
import { prepareInjection } from '../mutate/prepare.js';
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
  const getSecret = deps.follower?.wrap(deps.hostBinding.getSecret) ?? deps.hostBinding.getSecret;
  const prepared = await prepareInjection(pod, namespace, {
    findVmcp: (ns, n) => deps.lookup.vmcp(ns, n),
    entriesIn: (ns) => deps.lookup.entries(ns),
    injectLabel: deps.injectLabel,
    settings: deps.settings,
    secretAnnotations: secretAnnotationsReader(getSecret),
    requireHostBinding: deps.hostBinding.requireHostBinding,
  });
  if ('error' in prepared) return { error: `cannot read its Secrets' host binding: ${prepared.error}` };
  const planned = podFinding(pod, prepared.ctx);
  const follower = deps.follower;
  if (follower === undefined || planned.finding !== 'ok') return { finding: planned };
  const followed = (name: string) => follower.followed(namespace, name);
  const rotated = rotationFinding(pod, followed, planned.actualHash);
  if (rotated !== undefined) return { finding: rotated };
  const maybe = possibleRotations(pod, followed);
  return maybe.length === 0 ? { finding: planned } : { finding: planned, warnings: maybe };
}
