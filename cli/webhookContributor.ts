import type { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Mode } from '../contract/labels.js';
import type { AdmissionRoute } from '../webhook/admission/route.js';
import type { NamespaceLabels } from '../webhook/cluster/namespaceModes.js';
import type { ReadinessCheck } from '../webhook/health.js';
import type { GetSecret } from '../webhook/validate/lookup.js';

/** Flags every webhook run has (cli/webhook.ts owns them). */
export interface WebhookBaseOptions {
  listen: { host: string; port: number };
  tlsCertFile: string;
  tlsKeyFile: string;
  tlsReloadInterval: number;
  kubeconfig?: string;
  mode: Mode;
  secretLookupTimeout: number;
  logLevel: string;
}

/** What a contributor gets to build its routes: the parsed flags (its own included) and the shared clients. */
export interface WebhookContext {
  /** Every parsed flag, camelCased by commander (`--sidecar-image` -> `sidecarImage`). */
  options: WebhookBaseOptions & Record<string, unknown>;
  kubeConfig: KubeConfig;
  logger: Logger;
  registry: Registry;
  /** GET one Secret by name with the --secret-lookup-timeout bound. */
  getSecret: GetSecret;
  /** Namespace labels from the shared informer (mode overrides, inject opt-outs). */
  namespaceLabels: NamespaceLabels;
}

/**
 * A part of the webhook process: adds its flags to `mcp-header-forward webhook` and its admission routes
 * to the server. New endpoints (/mutate, /validate-secrets) are a new contributor in cli/webhookContributors.ts.
 */
export interface WebhookContributor {
  name: string;
  /** Add flags with command.option()/addOption(); validate them with an argParser or in `routes`. */
  addOptions?(command: Command): void;
  /** Throw an Error naming the flag when the flags do not fit together. */
  routes(context: WebhookContext): AdmissionRoute[] | Promise<AdmissionRoute[]>;
  readiness?(context: WebhookContext): ReadinessCheck[];
  /** Called on shutdown, after the server stopped accepting requests. */
  stop?(): Promise<void>;
}
