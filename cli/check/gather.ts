import type { KubeConfig } from '@kubernetes/client-node';
import { ENTRY_PLURAL } from '../../contract/toolhive.js';
import { asksFor, WEBHOOK_CLUSTER_RULES, WEBHOOK_NAMESPACE_RULES } from '../../webhook/registrations/rbac.js';
import { describeTransportError } from '../apiErrors.js';
import { CERT_MANAGER_GROUP, CERT_MANAGER_PLURALS } from './certManager.js';
import { askFor, askForSelf } from './gather/access.js';
import { gatherApiServer } from './gather/apiServer.js';
import { readCrds } from './gather/crds.js';
import { findOperators, readConfigurations, readDeployment, readServingSecret } from './gather/install.js';
import { runInjectionProbe } from './gather/injectionProbe.js';
import { runProbe } from './gather/probe.js';
import { runSecretGuardProbe } from './gather/secretGuardProbe.js';
import { escalationAsks, installAsks, type InstallPermissionFacts, type Overlay } from './installPermissions.js';
import type { CheckTarget, DeploymentFacts, GatheredFacts, InstallFacts, Lookup, WebhookRbacFacts } from './types.js';
import { serviceAccountGroups, serviceAccountUser } from './webhookRbac.js';

// The one place `check` reads the cluster. Everything it learns becomes plain facts (GatheredFacts); the
// evaluators decide what they mean. Reads that do not depend on each other run in parallel.

export interface GatherOptions {
  kubeconfig: string | undefined;
  pre: boolean;
  overlay: Overlay;
  target: CheckTarget;
  timeoutMs: number;
  now: () => Date;
}

export async function gatherFacts(options: GatherOptions): Promise<GatheredFacts> {
  const mode = options.pre ? 'pre' : 'full';
  const { facts: api, kubeConfig } = await gatherApiServer(options.kubeconfig, options.timeoutMs);
  const base = { mode, target: options.target, api } as const;
  if (kubeConfig === undefined || 'problem' in api.reach) return { ...base, now: options.now() };
  const crds = await readCrds(kubeConfig, options.timeoutMs);
  if (options.pre) {
    const [installPermissions, certManagerCrds] = await Promise.all([
      permissionsToInstall(kubeConfig, options),
      options.overlay === 'cert-manager' ? readCrds(kubeConfig, options.timeoutMs, CERT_MANAGER_GROUP, CERT_MANAGER_PLURALS) : undefined,
    ]);
    return { ...base, now: options.now(), cluster: { crds, installPermissions, ...(certManagerCrds ? { certManagerCrds } : {}) } };
  }
  const install = await readInstall(
    kubeConfig,
    options,
    crds.find((crd) => crd.plural === ENTRY_PLURAL),
  );
  return { ...base, now: options.now(), cluster: { crds, install } };
}

async function readInstall(
  kubeConfig: KubeConfig,
  options: GatherOptions,
  entriesCrd: Parameters<typeof runProbe>[2],
): Promise<InstallFacts> {
  const { target, timeoutMs } = options;
  const deploymentRead = readDeployment(kubeConfig, target, timeoutMs);
  const [deployment, tlsSecret, configurations, probe, injectionProbe, secretGuardProbe, operators, rbac] = await Promise.all([
    deploymentRead,
    readServingSecret(kubeConfig, target, timeoutMs),
    readConfigurations(kubeConfig, target.configuration, timeoutMs),
    runProbe(kubeConfig, target, entriesCrd, timeoutMs),
    runInjectionProbe(kubeConfig, target, timeoutMs),
    runSecretGuardProbe(kubeConfig, target, entriesCrd, timeoutMs),
    findOperators(kubeConfig, timeoutMs),
    deploymentRead.then((read) => webhookRbac(kubeConfig, target, read, timeoutMs)),
  ]);
  return { deployment, tlsSecret, configurations, probe, injectionProbe, secretGuardProbe, operators, rbac };
}

/** The webhook ServiceAccount's permissions: the Deployment's account, else the manifests' default name. */
async function webhookRbac(
  kubeConfig: KubeConfig,
  target: CheckTarget,
  deployment: Lookup<DeploymentFacts>,
  timeoutMs: number,
): Promise<WebhookRbacFacts> {
  const fromDeployment = deployment.status === 'found' && deployment.value.serviceAccount !== undefined;
  const name = fromDeployment ? deployment.value.serviceAccount! : target.deployment;
  const serviceAccount = { namespace: target.namespace, name };
  const asks = [...asksFor(WEBHOOK_CLUSTER_RULES), ...asksFor(WEBHOOK_NAMESPACE_RULES, target.namespace)];
  const subject = { user: serviceAccountUser(serviceAccount), groups: serviceAccountGroups(serviceAccount) };
  try {
    return { serviceAccount, fromDeployment, answers: await askFor(kubeConfig, subject, asks, timeoutMs) };
  } catch (error: unknown) {
    const problem = describeTransportError(error);
    return {
      serviceAccount,
      fromDeployment,
      answers: { error: problem.message, ...(problem.code === undefined ? {} : { code: problem.code }) },
    };
  }
}

async function permissionsToInstall(kubeConfig: KubeConfig, options: GatherOptions): Promise<InstallPermissionFacts | { error: string }> {
  const namespace = options.target.namespace;
  try {
    const [objects, grants, escalation] = await Promise.all([
      askForSelf(kubeConfig, installAsks(options.overlay, namespace), options.timeoutMs),
      askForSelf(kubeConfig, [...asksFor(WEBHOOK_CLUSTER_RULES), ...asksFor(WEBHOOK_NAMESPACE_RULES, namespace)], options.timeoutMs),
      askForSelf(kubeConfig, escalationAsks(namespace), options.timeoutMs),
    ]);
    return { overlay: options.overlay, namespace, objects, grants, escalation };
  } catch (error: unknown) {
    return { error: describeTransportError(error).message };
  }
}
