import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Secret,
} from '@kubernetes/client-node';
import { base64, createServingBundle, renewalDecision, rotationCaBundle } from '../../certs/serving.js';
import { pemsFromSecretData, tlsSecret } from '../../certs/tlsSecret.js';

// The cluster edge of `certs --apply` (the self-signed overlay's Job): renew the serving Secret only when
// needed, and publish the new CA in caBundle *before* the webhook can serve a cert signed by it.

export interface ApplyOptions {
  service: string;
  namespace: string;
  secretName: string;
  days: number;
  webhookConfiguration: string;
  renewBeforeDays: number;
}

export interface ApplyIo {
  stderr: (text: string) => void;
  now: () => Date;
  kubeConfig?: KubeConfig;
}

const FIELD_MANAGER = 'mcp-header-forward-certs';

function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

function explain(what: string, error: unknown): Error {
  const code = error instanceof ApiException ? ` (HTTP ${error.code})` : '';
  const hint =
    error instanceof ApiException && error.code === 403
      ? ': the ServiceAccount lacks RBAC for this, see manifests/overlays/self-signed/rbac.yaml'
      : '';
  return new Error(`certs --apply: ${what} failed${code}${hint}: ${error instanceof Error ? error.message : String(error)}`);
}

async function readSecret(core: CoreV1Api, name: string, namespace: string): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({ name, namespace });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw explain(`reading Secret ${namespace}/${name}`, error);
  }
}

interface WithWebhooks {
  webhooks?: { clientConfig: { caBundle?: string } }[];
}

/** JSON patch setting caBundle on every webhook of a configuration: built from the object, never a template. */
function caBundlePatch(config: WithWebhooks, caBundleB64: string): object[] {
  return (config.webhooks ?? []).map((_webhook, index) => ({
    op: 'add',
    path: `/webhooks/${index}/clientConfig/caBundle`,
    value: caBundleB64,
  }));
}

async function publishCaBundle(admission: AdmissionregistrationV1Api, name: string, caPem: string, now: Date, io: ApplyIo): Promise<void> {
  const patchOptions = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
  const kinds = [
    {
      kind: 'ValidatingWebhookConfiguration',
      read: () => admission.readValidatingWebhookConfiguration({ name }),
      patch: (body: object[]) => admission.patchValidatingWebhookConfiguration({ name, body, fieldManager: FIELD_MANAGER }, patchOptions),
    },
    {
      kind: 'MutatingWebhookConfiguration',
      read: () => admission.readMutatingWebhookConfiguration({ name }),
      patch: (body: object[]) => admission.patchMutatingWebhookConfiguration({ name, body, fieldManager: FIELD_MANAGER }, patchOptions),
    },
  ];
  for (const { kind, read, patch } of kinds) {
    let config: WithWebhooks;
    try {
      config = await read();
    } catch (error) {
      throw explain(`reading ${kind} ${name} (apply manifests/base first)`, error);
    }
    const current = config.webhooks?.[0]?.clientConfig.caBundle;
    const previousPem = current ? Buffer.from(current, 'base64').toString('utf8') : undefined;
    const bundle = base64(rotationCaBundle(caPem, previousPem, now));
    if (config.webhooks?.every((webhook) => webhook.clientConfig.caBundle === bundle)) continue;
    try {
      await patch(caBundlePatch(config, bundle));
    } catch (error) {
      throw explain(`patching caBundle of ${kind} ${name}`, error);
    }
    io.stderr(`certs: caBundle of ${kind} ${name} updated\n`);
  }
}

export async function applyServingCerts(options: ApplyOptions, io: ApplyIo): Promise<void> {
  const kc = io.kubeConfig ?? new KubeConfig();
  if (!io.kubeConfig) kc.loadFromDefault();
  const core = kc.makeApiClient(CoreV1Api);
  const admission = kc.makeApiClient(AdmissionregistrationV1Api);
  const { secretName: name, namespace } = options;
  const now = io.now();

  const existing = await readSecret(core, name, namespace);
  const stored = pemsFromSecretData(existing?.data);
  const decision = renewalDecision(stored, options, now, options.renewBeforeDays);
  if (!decision.renew) {
    // Still make sure the configurations trust it: they may have been re-applied from Git without caBundle.
    await publishCaBundle(admission, options.webhookConfiguration, stored.caPem!, now, io);
    io.stderr(`certs: Secret ${namespace}/${name} is valid, kept\n`);
    return;
  }

  io.stderr(`certs: issuing a new serving certificate: ${decision.reason}\n`);
  const bundle = await createServingBundle(options, options.days);
  // New CA trusted (next to the old one) first; only then the Secret the webhook reloads from.
  await publishCaBundle(admission, options.webhookConfiguration, bundle.caPem, now, io);
  const body = tlsSecret(name, namespace, bundle);
  try {
    if (existing) {
      await core.replaceNamespacedSecret({
        name,
        namespace,
        fieldManager: FIELD_MANAGER,
        body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } },
      });
    } else {
      await core.createNamespacedSecret({ namespace, fieldManager: FIELD_MANAGER, body });
    }
  } catch (error) {
    throw explain(`writing Secret ${namespace}/${name}`, error);
  }
  io.stderr(`certs: Secret ${namespace}/${name} written, valid until ${bundle.notAfter.toISOString()}\n`);
}
