import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AdmissionregistrationV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
  type KubernetesObject,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_CONFIGURATION_NAME, validatingWebhookConfiguration } from '../../../webhook/registrations/webhookConfigurations.js';
import { API_VERSIONS, ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../../contract/toolhive.js';
import { IN_CLUSTER_WEBHOOK_URL, inClusterWebhookRequested } from '../kind/inClusterWebhook.js';
import { PROJECT_ROOT } from './paths.js';
import type { WebhookProcess } from './webhookProcess.js';

/**
 * Apply the webhook's shipped RBAC (manifests/base/rbac.yaml) so the local webhook process, authenticated as
 * the manifests' ServiceAccount, has exactly the permissions a real install gives it. Idempotent; `remove()`
 * deletes it again so later tests on the shared control plane see a cluster without our install.
 */
export async function applyWebhookRbac(admin: KubeConfig): Promise<{ remove(): Promise<void> }> {
  const objects = parseAllDocuments(await readFile(join(PROJECT_ROOT, 'manifests', 'base', 'rbac.yaml'), 'utf8'))
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
  const api = KubernetesObjectApi.makeApiClient(admin);
  for (const object of objects) {
    try {
      await api.create(object);
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      await api.replace(await withResourceVersion(api, object));
    }
  }
  return {
    async remove(): Promise<void> {
      for (const object of [...objects].reverse()) {
        await api.delete(object).catch((error: { code?: number }) => {
          if (error.code !== 404) throw error;
        });
      }
    },
  };
}

async function withResourceVersion(api: KubernetesObjectApi, object: KubernetesObject): Promise<KubernetesObject> {
  const existing = await api.read({
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    metadata: { name: object.metadata!.name!, namespace: object.metadata?.namespace },
  });
  return { ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion } };
}

export interface Registration {
  name: string;
  /** Delete the configuration. */
  remove(): Promise<void>;
}

/**
 * Register the ValidatingWebhookConfiguration the manifests ship (same rules, selectors, failurePolicy,
 * matchPolicy, sideEffects) with clientConfig.url + caBundle pointing at the local process, then wait until the
 * API server actually calls it (its webhook cache lags a create by up to a second or so).
 */
export async function registerValidatingWebhook(
  admin: KubeConfig,
  webhook: Pick<WebhookProcess, 'url' | 'caBundle' | 'reviewed'>,
  options: { name?: string; probeNamespace?: string } = {},
): Promise<Registration> {
  if (inClusterWebhookRequested() && webhook.url === IN_CLUSTER_WEBHOOK_URL) {
    // kind: the manifests registered the webhook already (Service clientConfig); a second one would review twice.
    await waitUntilCalled(admin, webhook, options.probeNamespace ?? 'default');
    return { name: DEFAULT_CONFIGURATION_NAME, remove: async () => undefined };
  }
  const name = options.name ?? 'mcp-header-forward-e2e';
  const api = admin.makeApiClient(AdmissionregistrationV1Api);
  const body = validatingWebhookConfiguration({
    name,
    endpoint: { url: webhook.url },
    caBundle: webhook.caBundle,
  }) as V1ValidatingWebhookConfiguration;
  await api.deleteValidatingWebhookConfiguration({ name }).catch(() => undefined);
  await api.createValidatingWebhookConfiguration({ body });
  await waitUntilCalled(admin, webhook, options.probeNamespace ?? 'default');
  return {
    name,
    async remove(): Promise<void> {
      await api.deleteValidatingWebhookConfiguration({ name }).catch((error: { code?: number }) => {
        if (error.code !== 404) throw error;
      });
    },
  };
}

/** Dry-run creates of a probe entry until the webhook says it reviewed one: the registration is live. */
async function waitUntilCalled(admin: KubeConfig, webhook: Pick<WebhookProcess, 'reviewed'>, namespace: string): Promise<void> {
  const custom = admin.makeApiClient(CustomObjectsApi);
  const probe = `webhook-probe-${randomBytes(4).toString('hex')}`;
  const version = API_VERSIONS[API_VERSIONS.length - 1]!;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await custom
      .createNamespacedCustomObject({
        group: TOOLHIVE_GROUP,
        version,
        namespace,
        plural: ENTRY_PLURAL,
        dryRun: 'All',
        body: {
          apiVersion: `${TOOLHIVE_GROUP}/${version}`,
          kind: 'MCPServerEntry',
          metadata: { name: probe },
          spec: { remoteUrl: 'https://mcp.example.com/mcp', transport: 'streamable-http', groupRef: { name: 'probe' } },
        },
      })
      .catch(() => undefined);
    if (await webhook.reviewed(probe)) return;
    await sleep(200);
  }
  throw new Error(
    `the API server did not call the webhook within 30s (probe ${probe}); check the webhook log and the configuration's url/caBundle`,
  );
}
