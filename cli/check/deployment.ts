import type { CheckResult, CheckTarget, DeploymentFacts, Lookup } from './types.js';

// The webhook Deployment: with failurePolicy Fail, no available replica means every MCPServerEntry write and
// every vMCP pod creation is refused; one of two means no room for a node drain.

export const INSTALL_HINT = 'kubectl apply -k manifests/overlays/self-signed (or manifests/overlays/cert-manager)';

export function deploymentCheck(target: CheckTarget, read: Lookup<DeploymentFacts>): CheckResult {
  const ref = `${target.namespace}/${target.deployment}`;
  const base = { id: 'deployment', title: `Webhook Deployment ${ref}` };
  const inspect = `kubectl -n ${target.namespace} describe deployment ${target.deployment}; kubectl -n ${target.namespace} logs deployment/${target.deployment}`;
  if (read.status === 'missing') {
    return {
      ...base,
      status: 'fail',
      detail: 'not found',
      fix: `install it: ${INSTALL_HINT}; or name yours with --namespace and --deployment`,
    };
  }
  if (read.status === 'error') {
    return {
      ...base,
      status: 'fail',
      detail: `cannot read it: ${read.message}`,
      fix: `you need get on deployments in namespace ${target.namespace}`,
    };
  }
  const d = read.value;
  const counts = `${d.available}/${d.desired} available, ${d.ready} ready, ${d.updated} up to date`;
  const why = d.conditions
    .filter((c) => c.status !== 'True' && c.message !== undefined)
    .map((c) => `${c.type}: ${c.message}`)
    .join('; ');
  if (d.desired === 0) {
    return {
      ...base,
      status: 'fail',
      detail: 'scaled to 0 replicas',
      fix: `kubectl -n ${target.namespace} scale deployment ${target.deployment} --replicas=2`,
    };
  }
  if (d.available === 0) {
    return { ...base, status: 'fail', detail: `${counts}${why === '' ? '' : ` (${why})`}`, fix: inspect };
  }
  if (d.available < d.desired || d.updated < d.desired) {
    return {
      ...base,
      status: 'warn',
      detail: `${counts}: admission works, but a rollout is in progress or a replica is down${why === '' ? '' : ` (${why})`}`,
      fix: inspect,
    };
  }
  return { ...base, status: 'pass', detail: counts };
}
