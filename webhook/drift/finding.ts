import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME, STATUS_ANNOTATION } from '../../contract/labels.js';
import { injectPod, type InjectContext } from '../mutate/inject.js';
import { PlanError } from '../mutate/vmcpContainer.js';

// Drift: what a running pod got at admission against what the injector would give it now. The desired state
// comes from injectPod, the webhook's own engine, so there is one planner; only the comparison lives here.

export const FINDINGS = ['ok', 'missing', 'stale', 'orphaned', 'unplannable'] as const;
export type FindingKind = (typeof FINDINGS)[number];

export interface PodFinding {
  finding: FindingKind;
  /** Why a pod is stale when it is not its config: a Secret it reads changed after the sidecar started. */
  cause?: 'secret-rotation';
  /** A sentence for the Event, the log line and the report. */
  message: string;
  /** The hash the pod carries ('' when none) and the one it should carry ('' when it should have no sidecar). */
  actualHash: string;
  desiredHash: string;
}

export function sidecarContainer(pod: V1Pod): V1Container | undefined {
  const spec = pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].find((c) => c.name === SIDECAR_CONTAINER_NAME);
}

export function hasSidecar(pod: V1Pod): boolean {
  return sidecarContainer(pod) !== undefined;
}

export function podFinding(pod: V1Pod, ctx: InjectContext): PodFinding {
  const actualHash = pod.metadata?.annotations?.[STATUS_ANNOTATION] ?? '';
  const present = hasSidecar(pod);
  let result;
  try {
    result = injectPod(pod, ctx);
  } catch (error: unknown) {
    if (!(error instanceof PlanError)) throw error;
    return { finding: 'unplannable', message: `the injector cannot plan this pod: ${error.message}`, actualHash, desiredHash: '' };
  }
  if (!result.decision.inject) {
    if (!present)
      return { finding: 'ok', message: `not injected, as wanted: ${result.decision.reasons[0]!.message}`, actualHash, desiredHash: '' };
    return {
      finding: 'orphaned',
      message: `pod runs the ${SIDECAR_CONTAINER_NAME} sidecar but would not get it now: ${result.decision.reasons.map((r) => r.message).join('; ')}`,
      actualHash,
      desiredHash: '',
    };
  }
  const desiredHash = result.plan?.statusHash ?? '';
  if (!present) {
    return {
      finding: 'missing',
      message: `pod has no ${SIDECAR_CONTAINER_NAME} sidecar but its entries forward headers (created while the webhook was not admitting it?)`,
      actualHash,
      desiredHash,
    };
  }
  if (actualHash !== desiredHash) {
    return {
      finding: 'stale',
      message: `pod's sidecar config ${STATUS_ANNOTATION}="${actualHash}" differs from the current one "${desiredHash}" (an entry or the injector settings changed since the pod was created)`,
      actualHash,
      desiredHash,
    };
  }
  return { finding: 'ok', message: 'pod runs the current sidecar config', actualHash, desiredHash };
}

/** Findings remediation acts on: the pod is wrong now and a new pod from its owner would be right. */
export function needsNewPod(finding: FindingKind): boolean {
  return finding === 'missing' || finding === 'stale' || finding === 'orphaned';
}

export const EVENT_REASONS: Readonly<Record<FindingKind, string | undefined>> = {
  ok: undefined,
  missing: 'SidecarMissing',
  stale: 'SidecarStale',
  orphaned: 'SidecarOrphaned',
  unplannable: 'SidecarUnplannable',
};
