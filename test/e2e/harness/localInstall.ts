import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
  type V1MutatingWebhookConfiguration,
  type V1Pod,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { serviceDnsNames } from '../../../certs/serving.js';
import { DEFAULT_TLS_SECRET_NAME, tlsSecret } from '../../../certs/tlsSecret.js';
import { createCa, issueLeaf } from '../../../certs/x509.js';
import { probePod } from '../../../cli/check/injectionProbe.js';
import { TESTED_TOOLHIVE_VERSION } from '../../../contract/compatibility.js';
import { CHECK_REVIEWED_ANNOTATION } from '../../../contract/labels.js';
import {
  DEFAULT_CONFIGURATION_NAME,
  DEFAULT_DEPLOYMENT_NAME,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE_NAME,
  mutatingWebhookConfiguration,
} from '../../../webhook/registrations/webhookConfigurations.js';
import type { Cluster } from './cluster.js';
import { PROJECT_ROOT } from './paths.js';
import { startWebhookProcess, type WebhookProcess } from './webhookProcess.js';
import { applyWebhookRbac, registerValidatingWebhook } from './webhookRegistration.js';

// An install as `kubectl apply -k manifests/overlays/...` leaves it, on the loopback control plane that has no
// node: the shipped Deployment, Service, ServiceAccount and RBAC in mcp-header-forward, the serving Secret,
// both webhook configurations under their shipped name, and a ToolHive operator Deployment. The webhook itself
// runs as a local process (serving the Secret's certificate, which names the Service and 127.0.0.1) and the
// configurations call it by URL. No kubelet runs the Deployment's pods, so their status is reported Ready here,
// as a kubelet would; the ReplicaSet and Deployment controllers then count them.

const DAY_MS = 86_400_000;
/** Not toolhive-system, which the real operator e2e uses: this one is deleted afterwards. */
export const OPERATOR_NAMESPACE = 'check-e2e-toolhive';

export interface LocalInstall {
  webhook: WebhookProcess;
  /** The serving key's PEM: the test checks it never appears in check's output. */
  keyPem: string;
  remove(): Promise<void>;
}

async function manifestObjects(file: string, namespace: string): Promise<KubernetesObject[]> {
  const text = await readFile(join(PROJECT_ROOT, 'manifests', 'base', file), 'utf8');
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject)
    .map((object) => ({ ...object, metadata: { ...object.metadata, namespace } }));
}

async function createOrReplace(api: KubernetesObjectApi, object: KubernetesObject): Promise<void> {
  try {
    await api.create(object);
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
    const existing = await api.read({
      apiVersion: object.apiVersion!,
      kind: object.kind!,
      metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace },
    });
    await api.replace({ ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } });
  }
}

/** Report each of the Deployment's pods Running and Ready, then wait until the Deployment counts them available. */
export async function reportPodsReady(admin: KubeConfig, namespace: string, name: string): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const deployment = await apps.readNamespacedDeployment({ namespace, name });
    const wanted = deployment.spec?.replicas ?? 1;
    if ((deployment.status?.availableReplicas ?? 0) >= wanted && (deployment.status?.updatedReplicas ?? 0) >= wanted) return;
    if (Date.now() > deadline)
      throw new Error(`Deployment ${namespace}/${name} not available within 60s: ${JSON.stringify(deployment.status)}`);
    const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    for (const pod of (await core.listNamespacedPod({ namespace, labelSelector: selector })).items) {
      if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      const now = new Date();
      pod.status = {
        ...pod.status,
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
        ],
      };
      await core.replaceNamespacedPodStatus({ namespace, name: pod.metadata!.name!, body: pod }).catch(() => undefined);
    }
    await sleep(200);
  }
}

async function deleteNamespaceAndWait(admin: KubeConfig, name: string): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  await core.deleteNamespace({ name }).catch(() => undefined);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const gone = await core.readNamespace({ name }).then(
      () => false,
      (error: { code?: number }) => error.code === 404,
    );
    if (gone) return;
    await sleep(250);
  }
  throw new Error(`namespace ${name} still exists 60s after its deletion`);
}

async function createOperatorDeployment(api: KubernetesObjectApi): Promise<void> {
  const labels = { 'app.kubernetes.io/name': 'toolhive-operator', 'app.kubernetes.io/instance': 'toolhive-operator' };
  const objects: KubernetesObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'toolhive-operator',
        namespace: OPERATOR_NAMESPACE,
        labels: { ...labels, 'app.kubernetes.io/version': TESTED_TOOLHIVE_VERSION },
      },
      // Only its image is read: no replicas, nothing to schedule.
      spec: {
        replicas: 0,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'manager', image: `ghcr.io/stacklok/toolhive/operator:${TESTED_TOOLHIVE_VERSION}` }] },
        },
      },
    } as KubernetesObject,
  ];
  for (const object of objects) await createOrReplace(api, object);
}

/**
 * Dry-run probe pods (check's own) until the API server calls the injector: its configuration cache lags a create.
 * With `expect` (x509 ...) it waits instead until the API server's refusal matches it.
 */
export async function untilTheInjectorAnswers(admin: KubeConfig, expect?: RegExp): Promise<void> {
  const core = admin.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    const probe = { namespace: 'default', name: 'check-e2e-injector-probe', nonce: `n${Date.now()}` };
    last = await core.createNamespacedPod({ namespace: 'default', body: probePod(probe) as V1Pod, dryRun: 'All' }).then(
      (pod) => (pod.metadata?.annotations?.[CHECK_REVIEWED_ANNOTATION] === probe.nonce ? 'answered' : 'not called'),
      (error: { body?: unknown }) => String(error.body ?? error),
    );
    if (expect === undefined ? last === 'answered' : expect.test(last)) return;
    await sleep(200);
  }
  throw new Error(`the API server's calls to the injector did not change as expected within 30s (last: ${last})`);
}

export async function installWithLocalWebhook(cluster: Cluster): Promise<LocalInstall> {
  const admin = cluster.admin;
  const api = KubernetesObjectApi.makeApiClient(admin);
  const namespace = DEFAULT_NAMESPACE;
  const createdNamespace = await admin
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } })
    .then(
      () => true,
      (error: { code?: number }) => {
        if (error.code !== 409) throw error;
        return false;
      },
    );
  const ca = await createCa({ commonName: `${DEFAULT_SERVICE_NAME}.${namespace} webhook CA`, validForMs: 365 * DAY_MS });
  const dnsNames = serviceDnsNames({ service: DEFAULT_SERVICE_NAME, namespace });
  const leaf = await issueLeaf(ca, { commonName: dnsNames[2]!, dnsNames, ipAddresses: ['127.0.0.1'], validForMs: 90 * DAY_MS });
  const dir = await mkdtemp(join(cluster.info.workDir, 'check-install-'));
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  await writeFile(certFile, leaf.certPem, { mode: 0o600 });
  await writeFile(keyFile, leaf.keyPem, { mode: 0o600 });

  const rbac = await applyWebhookRbac(admin);
  const objects: KubernetesObject[] = [
    ...(await manifestObjects('serviceaccount.yaml', namespace)),
    ...(await manifestObjects('leader-election-rbac.yaml', namespace)),
    ...(await manifestObjects('service.yaml', namespace)),
    tlsSecret(DEFAULT_TLS_SECRET_NAME, namespace, {
      caPem: ca.certPem,
      certPem: leaf.certPem,
      keyPem: leaf.keyPem,
      notAfter: leaf.notAfter,
    }),
    ...(await manifestObjects('deployment.yaml', namespace)),
  ];
  for (const object of objects) await createOrReplace(api, object);
  await createOperatorDeployment(api);
  await reportPodsReady(admin, namespace, DEFAULT_DEPLOYMENT_NAME);

  const webhook = await startWebhookProcess(cluster, { tls: { certFile, keyFile, caPem: ca.certPem } });
  const admission = admin.makeApiClient(AdmissionregistrationV1Api);
  const validating = await registerValidatingWebhook(admin, webhook, { name: DEFAULT_CONFIGURATION_NAME });
  const mutating = mutatingWebhookConfiguration({ endpoint: { url: webhook.url }, caBundle: webhook.caBundle });
  await admission.deleteMutatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME }).catch(() => undefined);
  await admission.createMutatingWebhookConfiguration({ body: mutating as V1MutatingWebhookConfiguration });
  await untilTheInjectorAnswers(admin);

  return {
    webhook,
    keyPem: leaf.keyPem,
    async remove(): Promise<void> {
      await validating.remove();
      await admission.deleteMutatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME }).catch(() => undefined);
      await webhook.stop();
      for (const object of [...objects].reverse()) await api.delete(object).catch(() => undefined);
      await rbac.remove();
      // Gone, not Terminating: a later file creating the same namespace would be refused meanwhile.
      await deleteNamespaceAndWait(admin, OPERATOR_NAMESPACE);
      if (createdNamespace) await deleteNamespaceAndWait(admin, namespace);
    },
  };
}
