import type { CheckTarget } from './types.js';

// Who renews the serving certificate and publishes its CA depends on the overlay: the certs Job/CronJob
// (self-signed) or cert-manager and its cainjector. Each fix names both ways, for this install's names.

export function reissueFix(target: CheckTarget): string {
  const ns = target.namespace;
  return (
    `self-signed overlay: kubectl -n ${ns} create job ${target.deployment}-certs-now --from=cronjob/${target.deployment}-certs ` +
    `(issues the certificate and publishes its CA in caBundle); cert-manager overlay: kubectl -n ${ns} describe certificate ${target.deployment}-serving`
  );
}

export function caBundleFix(target: CheckTarget): string {
  return (
    `self-signed overlay: kubectl -n ${target.namespace} create job ${target.deployment}-certs-now --from=cronjob/${target.deployment}-certs ` +
    `(writes the Secret's CA into caBundle); cert-manager overlay: the configuration needs the annotation cert-manager.io/inject-ca-from: ` +
    `${target.namespace}/${target.deployment}-serving, and cainjector must run (kubectl -n cert-manager logs deploy/cert-manager-cainjector)`
  );
}

/** The name the API server dials for a Service clientConfig (and verifies in the serving certificate). */
export function serviceHost(service: { namespace: string; name: string }): string {
  return `${service.name}.${service.namespace}.svc`;
}
