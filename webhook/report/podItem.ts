import type { V1Pod } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME, STATUS_ANNOTATION } from '../../contract/labels.js';
import type { PodCheck } from '../drift/checkPod.js';
import { EVENT_REASONS, type FindingKind } from '../drift/finding.js';
import type { ReportItem } from './types.js';

// `report --pods`: a vMCP pod's drift finding as a report item, in the same words as the drift loop's Event.

export const POD_KIND = 'Pod';

/** Where the difference shows on the pod, for the report's field column. */
const FIELDS: Readonly<Record<FindingKind, string>> = {
  ok: '',
  missing: 'spec.initContainers',
  stale: `metadata.annotations["${STATUS_ANNOTATION}"]`,
  orphaned: 'spec.initContainers',
  unplannable: 'spec',
};

const RECREATE =
  'recreate the pod so it goes through the webhook again (kubectl rollout restart of its Deployment, or run the webhook with --remediate=evict)';

const HINTS: Readonly<Record<FindingKind, string | undefined>> = {
  ok: undefined,
  missing: `${RECREATE}; check first that the mutating webhook is registered and the namespace is not opted out`,
  stale: `${RECREATE}. If every pod shows stale right after install, give report the webhook's own injector flags (--sidecar-image, ...)`,
  orphaned: RECREATE,
  unplannable: 'fix what the message names in the pod template; the injector refuses it until then',
};

const ROTATION_HINT =
  'restart the pod so its sidecar reads the current Secret (kubectl rollout restart of its Deployment, or run the webhook with --remediate=evict --follow-secrets)';

export function podItem(pod: V1Pod, check: PodCheck): ReportItem {
  const base: Pick<ReportItem, 'kind' | 'apiVersion' | 'namespace' | 'name' | 'uid' | 'resourceVersion'> = {
    kind: POD_KIND,
    apiVersion: 'v1',
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    ...(pod.metadata?.uid !== undefined ? { uid: pod.metadata.uid } : {}),
    ...(pod.metadata?.resourceVersion !== undefined ? { resourceVersion: pod.metadata.resourceVersion } : {}),
  };
  if ('error' in check) {
    return { ...base, status: 'error', findings: [{ reason: 'PodCheckFailed', field: 'spec', message: check.error }], warnings: [] };
  }
  const { finding, cause } = check.finding;
  const warnings = check.warnings ?? [];
  if (finding === 'ok') return { ...base, status: 'pass', findings: [], warnings };
  const rotated = cause === 'secret-rotation';
  const field = rotated ? `spec.initContainers[${SIDECAR_CONTAINER_NAME}].env` : FIELDS[finding];
  const hint = rotated ? ROTATION_HINT : HINTS[finding];
  return {
    ...base,
    status: 'fail',
    findings: [{ reason: EVENT_REASONS[finding]!, field, message: check.finding.message, ...(hint !== undefined ? { hint } : {}) }],
    warnings,
  };
}
