import { MIN_KUBERNETES_VERSION, NATIVE_SIDECARS_SINCE, TESTED_KUBERNETES_VERSION } from '../../contract/compatibility.js';
import { compareReleases, parseRelease } from './releaseVersion.js';
import { TRANSPORT_FIXES, type TransportCause } from '../apiErrors.js';
import type { ApiServerFacts, CheckResult } from './types.js';

// The first two checks: can we talk to the API server at all (every other check needs it), and is its
// Kubernetes one this build supports.

const TITLE = 'API server reachable';
// The shared fixes, with the two that are specific to reading /version under check's own flags.
const FIX_BY_CAUSE: Record<TransportCause, string> = {
  ...TRANSPORT_FIXES,
  timeout: `${TRANSPORT_FIXES.timeout}; a slow server needs a longer --request-timeout`,
  forbidden:
    'your user may not read /version: ask a cluster admin for the system:public-info-viewer ClusterRole (bound to everyone by default)',
};

export function apiServerCheck(facts: ApiServerFacts): CheckResult {
  const id = 'api-server';
  if (facts.configError !== undefined || facts.server === undefined) {
    return {
      id,
      title: TITLE,
      status: 'fail',
      detail: facts.configError ?? 'no API server configured',
      fix: 'pass --kubeconfig PATH, set KUBECONFIG, or run inside a pod with a ServiceAccount',
    };
  }
  const where = `${facts.server}${facts.context === undefined ? '' : ` (context ${facts.context})`}`;
  if ('problem' in facts.reach) {
    return {
      id,
      title: TITLE,
      status: 'fail',
      detail: `${where}: ${facts.reach.problem.message}`,
      fix: FIX_BY_CAUSE[facts.reach.problem.cause],
    };
  }
  const user = facts.reach.user === undefined ? '' : `, as ${facts.reach.user}`;
  return { id, title: TITLE, status: 'pass', detail: `${where} answers: Kubernetes ${facts.reach.version}${user}` };
}

export function kubernetesVersionCheck(version: string): CheckResult {
  const base = { id: 'kubernetes-version', title: 'Kubernetes version supported' };
  const found = parseRelease(version);
  const minimum = parseRelease(MIN_KUBERNETES_VERSION)!;
  if (found === undefined) {
    return {
      ...base,
      status: 'warn',
      detail: `cannot read a version from "${version}"; this build needs >= ${MIN_KUBERNETES_VERSION}`,
      fix: 'check the version with kubectl version',
    };
  }
  if (compareReleases(found, minimum) < 0) {
    return {
      ...base,
      status: 'fail',
      detail: `${version} is older than ${MIN_KUBERNETES_VERSION}: the Secret guard's matchConditions are off there (alpha in 1.27, on from 1.28), so the API server would send it every Secret update and delete`,
      fix: `upgrade the cluster to Kubernetes >= ${MIN_KUBERNETES_VERSION} (tested with ${TESTED_KUBERNETES_VERSION})`,
    };
  }
  if (compareReleases(found, parseRelease(NATIVE_SIDECARS_SINCE)!) < 0) {
    return {
      ...base,
      status: 'warn',
      detail: `${version} has no native sidecars (Kubernetes >= ${NATIVE_SIDECARS_SINCE}), the injector's default`,
      fix: 'run the webhook with --sidecar-mode=container, or upgrade the cluster',
    };
  }
  return { ...base, status: 'pass', detail: `${version} (>= ${MIN_KUBERNETES_VERSION}; tested with ${TESTED_KUBERNETES_VERSION})` };
}
