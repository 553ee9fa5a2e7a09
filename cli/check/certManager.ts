import type { CheckResult, CrdFacts } from './types.js';

// `check --pre --overlay cert-manager` (Helm: certificates.source=cert-manager): the overlay creates an Issuer and
// Certificates (cert-manager.io/v1), which the API server refuses without cert-manager's CRDs, and cainjector
// fills the caBundle. The CRDs are what can be checked before install; the cert-manager pods are not looked for.

export const CERT_MANAGER_GROUP = 'cert-manager.io';
export const CERT_MANAGER_VERSION = 'v1';
/** The kinds manifests/overlays/cert-manager creates (installPermissions.ts lists the same for the permissions). */
export const CERT_MANAGER_PLURALS = ['certificates', 'issuers'] as const;

const INSTALL = `install cert-manager >= 1.0 first (https://cert-manager.io/docs/installation/, with its CRDs), or install with the self-signed certificates (--overlay self-signed; Helm: certificates.source=self-signed)`;

export function certManagerCheck(crds: readonly CrdFacts[]): CheckResult {
  const base = {
    id: 'cert-manager',
    title: `cert-manager CRDs (${CERT_MANAGER_PLURALS.join(', ')}.${CERT_MANAGER_GROUP} ${CERT_MANAGER_VERSION})`,
  };
  const problems = crds.flatMap((crd): string[] => {
    const name = `${crd.plural}.${crd.group}`;
    const { read } = crd;
    if (read.status === 'missing') return [`${name} not found`];
    if (read.status === 'error') return [`${name} cannot be read: ${read.message}`];
    if (!read.value.established) return [`${name} not Established`];
    if (!read.value.servedVersions.includes(CERT_MANAGER_VERSION))
      return [`${name} serves ${read.value.servedVersions.join(', ') || 'nothing'}, not ${CERT_MANAGER_VERSION}`];
    return [];
  });
  if (problems.length === 0) return { ...base, status: 'pass', detail: `served: the overlay's Issuer and Certificates can be created` };
  const unreadable = crds.some((crd) => crd.read.status === 'error');
  return {
    ...base,
    status: 'fail',
    detail: problems.join('; '),
    fix: unreadable ? 'you need get on customresourcedefinitions.apiextensions.k8s.io' : INSTALL,
  };
}
