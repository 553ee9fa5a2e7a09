import { parseServingChain, verifyServingChain, type ParsedChain, type Trust } from '../../certs/servingTrust.js';
import { admissionProbeCheck } from './admissionProbe.js';
import { certManagerCheck } from './certManager.js';
import { apiServerCheck, kubernetesVersionCheck } from './apiServer.js';
import { crdCheck } from './crds.js';
import { deploymentCheck } from './deployment.js';
import { injectionProbeCheck } from './injectionProbe.js';
import { installPermissionsCheck } from './installPermissions.js';
import { secretGuardProbeCheck } from './secretGuardProbe.js';
import { servingCertificateCheck } from './servingCertificate.js';
import { toolhiveOperatorCheck } from './toolhiveOperator.js';
import type { CheckResult, CheckTarget, GatheredFacts, InstallFacts } from './types.js';
import { webhookConfigurationCheck, type ServingForTrust } from './webhookConfiguration.js';
import { webhookRbacCheck } from './webhookRbac.js';

// Facts in, results out, in the order a person fixes things: connection, cluster, then the install from the
// Deployment to the end-to-end probe. No I/O: async only because certificate signatures are checked with
// WebCrypto.

export async function evaluate(facts: GatheredFacts): Promise<CheckResult[]> {
  const results = [apiServerCheck(facts.api)];
  const reach = facts.api.reach;
  if (facts.cluster === undefined || 'problem' in reach) {
    results.push({
      id: 'not-run',
      title: facts.mode === 'pre' ? 'Prerequisites' : 'Install',
      status: 'skip',
      detail: 'not checked: every other check needs the API server',
    });
    return results;
  }
  results.push(kubernetesVersionCheck(reach.version), ...facts.cluster.crds.map(crdCheck));
  if (facts.cluster.installPermissions !== undefined) results.push(installPermissionsCheck(facts.cluster.installPermissions));
  if (facts.cluster.certManagerCrds !== undefined) results.push(certManagerCheck(facts.cluster.certManagerCrds));
  if (facts.cluster.install !== undefined) results.push(...(await installChecks(facts.target, facts.cluster.install, facts.now)));
  return results;
}

async function installChecks(target: CheckTarget, install: InstallFacts, now: Date): Promise<CheckResult[]> {
  const secret = install.tlsSecret;
  const parsed: ParsedChain | undefined =
    secret.status === 'found' && secret.value.certPem !== undefined
      ? parseServingChain(secret.value.certPem, `Secret ${target.namespace}/${target.tlsSecret} key tls.crt`)
      : undefined;
  const serving = await servingForTrust(install, parsed, now);
  const probe: CheckResult =
    'skipped' in install.probe
      ? {
          id: 'admission-probe',
          title: 'Dry-run MCPServerEntry denied by the webhook',
          status: 'skip',
          detail: `not run: ${install.probe.skipped}`,
        }
      : admissionProbeCheck(install.probe, target);
  return [
    deploymentCheck(target, install.deployment),
    servingCertificateCheck(target, secret, parsed, now),
    ...install.configurations.map((configuration) => webhookConfigurationCheck(target, configuration, serving)),
    probe,
    injectionProbeCheck(install.injectionProbe, target),
    secretGuardProbeCheck(install.secretGuardProbe, install.configurations, target),
    webhookRbacCheck(install.rbac),
    toolhiveOperatorCheck(install.operators),
  ];
}

/** Each registered webhook's caBundle against the stored serving chain, verified once here. */
async function servingForTrust(install: InstallFacts, parsed: ParsedChain | undefined, now: Date): Promise<ServingForTrust> {
  if (parsed === undefined) return { unavailable: 'no serving certificate was read' };
  if ('problem' in parsed) return { unavailable: parsed.problem };
  const trustByWebhook = new Map<string, Trust>();
  for (const configuration of install.configurations) {
    if (configuration.read.status !== 'found') continue;
    for (const webhook of configuration.read.value.webhooks) {
      trustByWebhook.set(webhook.name, await verifyServingChain(parsed.chain, webhook.caBundlePem, now));
    }
  }
  return { leaf: parsed.leaf, trustByWebhook };
}
