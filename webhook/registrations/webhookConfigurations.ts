import type {
  AdmissionregistrationV1WebhookClientConfig,
  V1LabelSelector,
  V1MutatingWebhook,
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { DOMAIN, INJECT_DISABLED, INJECT_NAMESPACE_LABEL, VMCP_NAME_LABEL, VMCP_NAME_VALUE } from '../../contract/labels.js';
import { API_VERSIONS, ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { DEFAULT_SETTINGS } from '../mutate/settings.js';

// The admission registration objects, built from the same settings the server runs with (Pepr style):
// manifests/base, the e2e harness and the kind script all derive from here, and a test keeps the YAML in step.

export const VALIDATE_PATH = '/validate';
export const MUTATE_PATH = '/mutate';
export const VALIDATE_SECRETS_PATH = '/validate-secrets';
export const DEFAULT_CONFIGURATION_NAME = 'mcp-header-forward';
export const DEFAULT_NAMESPACE = 'mcp-header-forward';
export const DEFAULT_SERVICE_NAME = 'mcp-header-forward';
/** The webhook Deployment (manifests/base): `report --pods` reads its injector flags. */
export const DEFAULT_DEPLOYMENT_NAME = 'mcp-header-forward';
/** The API server allows 1..30 s; small, so a slow webhook fails a request instead of stalling a rollout. */
export const DEFAULT_TIMEOUT_SECONDS = 5;
/** Namespaces the injector never touches, whatever their labels: the injector's own list, so both agree. */
export const ALWAYS_EXCLUDED_NAMESPACES: readonly string[] = DEFAULT_SETTINGS.excludedNamespaces;
/** Label the API server sets on every namespace (since 1.21): selects by name without extra labelling. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export const VALIDATING_WEBHOOK_NAME = `validate.mcpserverentries.${DOMAIN}`;
export const MUTATING_WEBHOOK_NAME = `inject.pods.${DOMAIN}`;
export const SECRET_GUARD_WEBHOOK_NAME = `guard.secrets.${DOMAIN}`;
/**
 * CEL, evaluated by the API server: only Secret DELETEs and UPDATEs that drop a key reach the guard, so the
 * many unrelated Secret writes (token refreshes, Helm releases) cost no webhook call at all.
 */
export const SECRET_GUARD_MATCH_CONDITION = {
  name: 'delete-or-key-removed',
  expression:
    "request.operation == 'DELETE' || (has(oldObject.data) && oldObject.data.exists(k, !has(object.data) || !(k in object.data)))",
};

export type FailurePolicy = 'Fail' | 'Ignore';

/** Where the API server reaches the webhook: the in-cluster Service, or a URL (the e2e harness on loopback). */
export type WebhookEndpoint = { service: { name: string; namespace: string; port?: number } } | { url: string };

export interface WebhookConfigOptions {
  /** metadata.name of both configuration objects. */
  name?: string;
  /** The webhook's own namespace: excluded from injection so the webhook's pods never wait on themselves. */
  namespace?: string;
  endpoint?: WebhookEndpoint;
  /** base64 PEM of the CA that signed the serving cert; omitted when cert-manager or the certs Job owns it. */
  caBundle?: string;
  failurePolicy?: FailurePolicy;
  timeoutSeconds?: number;
  /** Namespaces never injected besides the always-excluded ones and our own (the webhook's --exclude-namespace). */
  excludedNamespaces?: readonly string[];
}

/** What a webhook entry needs from a caller-facing Service reference or URL. */
type ClientConfig = AdmissionregistrationV1WebhookClientConfig;
/** client-node's types with the webhooks list always present (we always write one). */
export type ValidatingConfiguration = V1ValidatingWebhookConfiguration & { webhooks: V1ValidatingWebhook[] };
export type MutatingConfiguration = V1MutatingWebhookConfiguration & { webhooks: V1MutatingWebhook[] };
type Common = Pick<
  V1ValidatingWebhook,
  'admissionReviewVersions' | 'clientConfig' | 'failurePolicy' | 'matchPolicy' | 'sideEffects' | 'timeoutSeconds'
>;

interface Resolved {
  name: string;
  namespace: string;
  endpoint: WebhookEndpoint;
  caBundle: string | undefined;
  failurePolicy: FailurePolicy;
  timeoutSeconds: number;
  excludedNamespaces: readonly string[];
}

function resolve(options: WebhookConfigOptions): Resolved {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) {
    throw new RangeError(`timeoutSeconds: ${timeoutSeconds} is outside 1..30 (the API server's limit); pick e.g. 5`);
  }
  return {
    name: options.name ?? DEFAULT_CONFIGURATION_NAME,
    namespace,
    endpoint: options.endpoint ?? { service: { name: DEFAULT_SERVICE_NAME, namespace } },
    caBundle: options.caBundle,
    failurePolicy: options.failurePolicy ?? 'Fail',
    timeoutSeconds,
    excludedNamespaces: options.excludedNamespaces ?? [],
  };
}

function clientConfig(endpoint: WebhookEndpoint, path: string, caBundle: string | undefined): ClientConfig {
  const target: ClientConfig =
    'service' in endpoint
      ? { service: { name: endpoint.service.name, namespace: endpoint.service.namespace, path, port: endpoint.service.port ?? 443 } }
      : { url: `${endpoint.url.replace(/\/+$/, '')}${path}` };
  return caBundle === undefined ? target : { ...target, caBundle };
}

function common(resolved: Resolved, path: string): Common {
  return {
    admissionReviewVersions: ['v1'],
    clientConfig: clientConfig(resolved.endpoint, path, resolved.caBundle),
    // Fail closed: an entry or a vMCP pod admitted without us is exactly the gap this project closes.
    failurePolicy: resolved.failurePolicy,
    // Equivalent: a request through any served version of the same resource still reaches us.
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: resolved.timeoutSeconds,
  };
}

function labels(): Record<string, string> {
  return { 'app.kubernetes.io/name': DEFAULT_CONFIGURATION_NAME, 'app.kubernetes.io/component': 'webhook' };
}

/** Namespaces the injector may touch: not system ones, not our own, not the excluded ones, not ones labelled inject=disabled. */
export function injectionNamespaceSelector(ownNamespace: string, excluded: readonly string[] = []): V1LabelSelector {
  return {
    matchExpressions: [
      { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...ALWAYS_EXCLUDED_NAMESPACES, ownNamespace, ...excluded] },
      { key: INJECT_NAMESPACE_LABEL, operator: 'NotIn', values: [INJECT_DISABLED] },
    ],
  };
}

export function validatingWebhookConfiguration(options: WebhookConfigOptions = {}): ValidatingConfiguration {
  const resolved = resolve(options);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: resolved.name, labels: labels() },
    webhooks: [
      {
        name: VALIDATING_WEBHOOK_NAME,
        ...common(resolved, VALIDATE_PATH),
        rules: [
          {
            apiGroups: [TOOLHIVE_GROUP],
            apiVersions: [...API_VERSIONS],
            operations: ['CREATE', 'UPDATE'],
            resources: [ENTRY_PLURAL],
            scope: 'Namespaced',
          },
        ],
      },
      secretGuardWebhook(resolved),
    ],
  };
}

/**
 * The Secret-deletion guard: a safety net, not a security boundary, so failurePolicy Ignore. With Fail, a webhook
 * outage would block every Secret delete in the cluster; the background scan reports what slips through.
 */
function secretGuardWebhook(resolved: Resolved): V1ValidatingWebhook {
  return {
    name: SECRET_GUARD_WEBHOOK_NAME,
    ...common(resolved, VALIDATE_SECRETS_PATH),
    failurePolicy: 'Ignore',
    namespaceSelector: {
      matchExpressions: [
        { key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: [...ALWAYS_EXCLUDED_NAMESPACES, 'kube-node-lease', resolved.namespace] },
      ],
    },
    matchConditions: [SECRET_GUARD_MATCH_CONDITION],
    rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE', 'UPDATE'], resources: ['secrets'], scope: 'Namespaced' }],
  };
}

export function mutatingWebhookConfiguration(options: WebhookConfigOptions = {}): MutatingConfiguration {
  const resolved = resolve(options);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: resolved.name, labels: labels() },
    webhooks: [
      {
        name: MUTATING_WEBHOOK_NAME,
        ...common(resolved, MUTATE_PATH),
        namespaceSelector: injectionNamespaceSelector(resolved.namespace, resolved.excludedNamespaces),
        // Only vMCP pods reach the webhook at all: an outage cannot block unrelated workloads.
        objectSelector: { matchLabels: { [VMCP_NAME_LABEL]: VMCP_NAME_VALUE } },
        // Called again if a later webhook changes the pod, so we never leave it half-injected.
        reinvocationPolicy: 'IfNeeded',
        rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' }],
      },
    ],
  };
}
