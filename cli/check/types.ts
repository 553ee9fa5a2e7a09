import type { ResourceAsk } from '../../webhook/registrations/rbac.js';
import type { InstallPermissionFacts } from './installPermissions.js';
import type { TransportProblem } from '../apiErrors.js';

// `check`'s data: plain facts the gatherer read from the cluster, and the results the pure evaluators make of
// them. Nothing here does I/O; every evaluator is a function from facts to results, tested without a cluster.

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  /** Stable key for scripts (`-o json`): e.g. `deployment`, `crd/mcpserverentries`. */
  id: string;
  /** What is checked, e.g. `Webhook Deployment mcp-header-forward/mcp-header-forward`. */
  title: string;
  status: CheckStatus;
  /** What was found: the evidence for the status. */
  detail: string;
  /** What to do about a failure or a warning. */
  fix?: string;
}

/** An API read: the object, a 404, or why it could not be read (HTTP status when the API server answered). */
export type Lookup<T> = { status: 'found'; value: T } | { status: 'missing' } | { status: 'error'; code?: number; message: string };

/** Where the install is: the flags, with the defaults the manifests use. */
export interface CheckTarget {
  namespace: string;
  deployment: string;
  service: string;
  tlsSecret: string;
  configuration: string;
  probeNamespace: string;
  /** Warn when the serving certificate expires within this many days. */
  certWarningDays: number;
}

export interface ApiServerFacts {
  /** The kubeconfig's server URL, or undefined when no kubeconfig could be loaded. */
  server: string | undefined;
  context: string | undefined;
  /** Why the kubeconfig could not be loaded. */
  configError?: string;
  /** /version answered (and who we are, when SelfSubjectReview is served), or why not. */
  reach: { version: string; user?: string } | { problem: TransportProblem };
}

export interface CrdFacts {
  plural: string;
  group: string;
  read: Lookup<{ servedVersions: string[]; storageVersion: string | undefined; established: boolean }>;
}

export interface DeploymentFacts {
  desired: number;
  ready: number;
  available: number;
  updated: number;
  serviceAccount: string | undefined;
  /** The Progressing/Available conditions' messages, for the detail of a failing rollout. */
  conditions: { type: string; status: string; reason?: string; message?: string }[];
}

export interface WebhookFacts {
  name: string;
  /** `{ service }` as the manifests register it, `{ url }` for a webhook outside the cluster. */
  target: { service: { namespace: string; name: string; port: number } } | { url: string };
  /** Decoded PEM, undefined when the field is empty. */
  caBundlePem: string | undefined;
}

export interface ConfigurationFacts {
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  read: Lookup<{ webhooks: WebhookFacts[] }>;
}

/** tls.crt and ca.crt of the serving Secret: its private key is never read into the facts. */
export interface ServingSecretFacts {
  certPem: string | undefined;
  caPem: string | undefined;
}

export interface ProbeFacts {
  namespace: string;
  name: string;
  apiVersion: string;
  /** mcp-header-forward.dev/mode on the probe namespace, when it could be read. */
  namespaceMode: string | undefined;
  outcome: { allowed: true } | { allowed: false; code: number | undefined; message: string };
}

export interface InjectionProbeFacts {
  namespace: string;
  name: string;
  /** Written on the probe pod; our injector echoes it in an annotation of the (dry-run) pod the API server returns. */
  nonce: string;
  /** mcp-header-forward.dev/inject on the probe namespace, when it could be read. */
  namespaceInjectLabel: string | undefined;
  outcome: { allowed: true; reviewed: string | undefined } | { allowed: false; code: number | undefined; message: string };
}

/** /validate-secrets: a dry-run DELETE of a Secret an MCPServerEntry of the probe namespace forwards from. */
export type SecretGuardProbeFacts =
  | { skipped: string }
  | {
      namespace: string;
      secret: string;
      entry: string;
      namespaceMode: string | undefined;
      outcome: { allowed: true; warnings: string[] } | { allowed: false; code: number | undefined; message: string };
    };

export interface AccessAnswer<Ask> {
  ask: Ask;
  allowed: boolean;
  /** The authorizer's reason or evaluation error, when it gave one. */
  reason?: string;
}

/** The authorizer's answers for the webhook's ServiceAccount, one per rule the manifests grant it. */
export interface WebhookRbacFacts {
  serviceAccount: { namespace: string; name: string };
  /** Whether the ServiceAccount name came from the Deployment (else the manifests' default). */
  fromDeployment: boolean;
  answers: AccessAnswer<ResourceAsk>[] | { error: string; code?: number };
}

export interface OperatorFacts {
  namespace: string;
  name: string;
  image: string | undefined;
  /** The Helm chart's app.kubernetes.io/version label. */
  versionLabel: string | undefined;
}

/** Everything the gatherer read, in one plain object: the evaluators' only input. */
export interface GatheredFacts {
  mode: 'full' | 'pre';
  target: CheckTarget;
  now: Date;
  api: ApiServerFacts;
  /** Absent when the API server could not be reached: nothing else was read. */
  cluster?: {
    crds: CrdFacts[];
    /** `check` (not --pre): the installed parts. */
    install?: InstallFacts;
    /** `check --pre`: may the caller install? */
    installPermissions?: InstallPermissionFacts | { error: string };
    /** `check --pre --overlay cert-manager`: cert-manager's CRDs the overlay's objects need. */
    certManagerCrds?: CrdFacts[];
  };
}

export interface InstallFacts {
  deployment: Lookup<DeploymentFacts>;
  tlsSecret: Lookup<ServingSecretFacts>;
  configurations: ConfigurationFacts[];
  /** Skipped, saying why, when the MCPServerEntry CRD serves no version the webhook is registered for. */
  probe: ProbeFacts | { skipped: string };
  /** The same for /mutate: a dry-run vMCP pod. */
  injectionProbe: InjectionProbeFacts;
  secretGuardProbe: SecretGuardProbeFacts;
  rbac: WebhookRbacFacts;
  operators: OperatorFacts[] | { error: string };
}
