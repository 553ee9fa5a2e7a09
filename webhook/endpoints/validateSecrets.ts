import type { Counter, Registry } from 'prom-client';
import { registeredCounter } from '../registeredMetrics.js';
import { MODE_LABEL, type Mode } from '../../contract/labels.js';
import { allow, deny, type AdmissionVerdict } from '../admission/response.js';
import type { AdmissionRequest } from '../admission/review.js';
import type { AdmissionRoute } from '../admission/route.js';
import { VALIDATE_SECRETS_PATH } from '../registrations/webhookConfigurations.js';
import { decideSecretChange, secretKeys } from '../secretGuard/decide.js';
import type { SecretUser } from '../secretGuard/references.js';
import { effectiveMode } from '../validate/decide.js';

export const SECRET_GUARD_METRIC = 'mcp_header_forward_secret_guard_total';
/** The namespace controller's identity with --use-service-account-credentials (every managed control plane). */
export const NAMESPACE_CONTROLLER_USER = 'system:serviceaccount:kube-system:namespace-controller';

export interface ValidateSecretsRouteOptions {
  /** Entries that read a Secret, from the entry informer's index. */
  users(namespace: string, secret: string): SecretUser[];
  /** The global mode (--mode); the namespace label overrides it, as for entries. */
  mode: Mode;
  namespaces: { label(namespace: string, key: string): string | undefined; terminating(namespace: string): boolean };
  /** False until the entry informer's first list: the guard cannot know the references yet. */
  synced(): boolean;
  registry?: Registry;
  path?: string;
}

/**
 * `POST /validate-secrets`: Secret DELETE, and UPDATE that removes keys (the configuration's matchCondition sends
 * only those), while an MCPServerEntry still forwards a header from it. Answers from memory: a map lookup.
 */
export function validateSecretsRoute(options: ValidateSecretsRouteOptions): AdmissionRoute {
  const outcomes = options.registry === undefined ? undefined : guardCounter(options.registry);
  return {
    path: options.path ?? VALIDATE_SECRETS_PATH,
    name: 'validate-secrets',
    // Registered with Ignore (webhookConfigurations.ts): a safety net, never a reason to block a Secret write.
    failurePolicy: 'Ignore',
    async review(request, { logger }): Promise<AdmissionVerdict> {
      if (!isSecretChange(request)) return allow({ mode: 'skipped' });
      const namespace = request.namespace ?? '';
      // DELETE through deletecollection (`kubectl delete secrets --all`, the namespace controller) carries no
      // request.name: the Secret is named only in oldObject.
      const secret = request.name !== undefined && request.name !== '' ? request.name : nameOf(request.oldObject);
      const users = options.users(namespace, secret);
      if (users.length === 0) {
        // Until the first list the index is empty, which would wave everything through: say so in the log.
        if (!options.synced()) logger.warn('entry index not synced yet; Secret change allowed unchecked');
        return allow({ mode: 'skipped' });
      }
      const { mode } = effectiveMode(options.mode, options.namespaces.label(namespace, MODE_LABEL), MODE_LABEL);
      const decision = decideSecretChange(
        {
          operation: request.operation as 'DELETE' | 'UPDATE',
          namespace,
          secret,
          oldKeys: secretKeys(request.oldObject),
          ...(request.operation === 'UPDATE' ? { newKeys: secretKeys(request.object) ?? [] } : {}),
          namespaceTerminating: options.namespaces.terminating(namespace) || request.userInfo?.username === NAMESPACE_CONTROLLER_USER,
          users,
        },
        mode,
      );
      outcomes?.inc({ mode, outcome: decision.outcome });
      if (decision.broken.length > 0) {
        logger.warn(
          { mode, outcome: decision.outcome, entries: decision.broken },
          `Secret ${namespace}/${secret} is still forwarded by MCPServerEntries`,
        );
      }
      return decision.allowed
        ? allow({ mode, warnings: decision.warnings })
        : deny(decision.message ?? `Secret ${namespace}/${secret} is still in use`, { mode });
    },
  };
}

function isSecretChange(request: AdmissionRequest): boolean {
  return (
    request.kind.group === '' &&
    request.kind.kind === 'Secret' &&
    (request.operation === 'DELETE' || request.operation === 'UPDATE') &&
    // A Secret with finalizers being deleted gets UPDATEs while it drains; those remove nothing on purpose.
    !(request.operation === 'UPDATE' && hasDeletionTimestamp(request.object))
  );
}

function nameOf(object: unknown): string {
  const name = (object as { metadata?: { name?: unknown } } | null | undefined)?.metadata?.name;
  return typeof name === 'string' ? name : '';
}

function hasDeletionTimestamp(object: unknown): boolean {
  return typeof (object as { metadata?: { deletionTimestamp?: unknown } } | null)?.metadata?.deletionTimestamp === 'string';
}

function guardCounter(registry: Registry): Counter<'mode' | 'outcome'> {
  return registeredCounter(registry, {
    name: SECRET_GUARD_METRIC,
    help: 'Secret DELETE/UPDATE reviews that touched a Secret an MCPServerEntry forwards, by mode and outcome (denied, warned, audited, allowed, namespace-terminating).',
    labelNames: ['mode', 'outcome'] as const,
  });
}
