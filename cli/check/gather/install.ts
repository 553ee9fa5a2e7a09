import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  type AdmissionregistrationV1WebhookClientConfig,
  type KubeConfig,
  type V1Deployment,
} from '@kubernetes/client-node';
import { OPERATOR_SELECTOR } from '../toolhiveOperator.js';
import type {
  CheckTarget,
  ConfigurationFacts,
  DeploymentFacts,
  Lookup,
  OperatorFacts,
  ServingSecretFacts,
  WebhookFacts,
} from '../types.js';
import { describeTransportError } from '../../apiErrors.js';
import { lookup, withTimeout } from './calls.js';
import { servingPemsFromSecret } from './servingSecret.js';

// Reads of the installed parts: the webhook Deployment, its TLS Secret, both webhook configurations and the
// ToolHive operator's Deployment. Each answer is reduced to facts on arrival.

export function deploymentFacts(deployment: V1Deployment): DeploymentFacts {
  const status = deployment.status ?? {};
  return {
    desired: deployment.spec?.replicas ?? 1,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    // A pod without serviceAccountName runs as the namespace's "default".
    serviceAccount: deployment.spec?.template.spec?.serviceAccountName ?? 'default',
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.message === undefined ? {} : { message: c.message }),
    })),
  };
}

function webhookFacts(webhook: { name: string; clientConfig: AdmissionregistrationV1WebhookClientConfig }): WebhookFacts {
  const { service, url, caBundle } = webhook.clientConfig;
  const target =
    service !== undefined
      ? { service: { namespace: service.namespace, name: service.name, port: service.port ?? 443 } }
      : { url: url ?? '' };
  const caBundlePem = caBundle === undefined || caBundle === '' ? undefined : Buffer.from(caBundle, 'base64').toString('utf8');
  return { name: webhook.name, target, caBundlePem };
}

export function readDeployment(kubeConfig: KubeConfig, target: CheckTarget, timeoutMs: number): Promise<Lookup<DeploymentFacts>> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const where = `reading Deployment ${target.namespace}/${target.deployment}`;
  return lookup(
    () => apps.readNamespacedDeployment({ namespace: target.namespace, name: target.deployment }),
    deploymentFacts,
    timeoutMs,
    where,
  );
}

export function readServingSecret(kubeConfig: KubeConfig, target: CheckTarget, timeoutMs: number): Promise<Lookup<ServingSecretFacts>> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const where = `reading Secret ${target.namespace}/${target.tlsSecret}`;
  return lookup(
    () => core.readNamespacedSecret({ namespace: target.namespace, name: target.tlsSecret }),
    servingPemsFromSecret,
    timeoutMs,
    where,
  );
}

export async function readConfigurations(kubeConfig: KubeConfig, name: string, timeoutMs: number): Promise<ConfigurationFacts[]> {
  const api = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const toFacts = (config: {
    webhooks?: { name: string; clientConfig: AdmissionregistrationV1WebhookClientConfig }[];
  }): { webhooks: WebhookFacts[] } => ({
    webhooks: (config.webhooks ?? []).map(webhookFacts),
  });
  const [validating, mutating] = await Promise.all([
    lookup(() => api.readValidatingWebhookConfiguration({ name }), toFacts, timeoutMs, `reading ValidatingWebhookConfiguration ${name}`),
    lookup(() => api.readMutatingWebhookConfiguration({ name }), toFacts, timeoutMs, `reading MutatingWebhookConfiguration ${name}`),
  ]);
  return [
    { kind: 'ValidatingWebhookConfiguration', read: validating },
    { kind: 'MutatingWebhookConfiguration', read: mutating },
  ];
}

export async function findOperators(kubeConfig: KubeConfig, timeoutMs: number): Promise<OperatorFacts[] | { error: string }> {
  try {
    const list = await withTimeout(
      kubeConfig.makeApiClient(AppsV1Api).listDeploymentForAllNamespaces({ labelSelector: OPERATOR_SELECTOR }),
      timeoutMs,
      'looking for the ToolHive operator',
    );
    return list.items.map((deployment) => {
      const containers = deployment.spec?.template.spec?.containers ?? [];
      const manager = containers.find((c) => c.name === 'manager') ?? containers[0];
      return {
        namespace: deployment.metadata?.namespace ?? '',
        name: deployment.metadata?.name ?? '',
        image: manager?.image,
        versionLabel: deployment.metadata?.labels?.['app.kubernetes.io/version'],
      };
    });
  } catch (error: unknown) {
    return { error: describeTransportError(error).message };
  }
}
