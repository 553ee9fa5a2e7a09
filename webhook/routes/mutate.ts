import type { V1Pod } from '@kubernetes/client-node';
import { registeredCounter } from '../registeredMetrics.js';
import type { Counter, Registry } from 'prom-client';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import { allow, deny, type AdmissionVerdict } from '../admission/response.js';
import type { AdmissionRequest } from '../admission/review.js';
import type { AdmissionRoute } from '../admission/route.js';
import { readSecretBindings, type BindingsLookup } from '../cluster/secretBindings.js';
import type { ToolhiveLookup } from '../cluster/toolhiveIndex.js';
import { MUTATE_PATH } from '../config/webhookConfigurations.js';
import { referencedSecretsFor, type SecretBindings } from '../mutate/hostBindings.js';
import { injectPod, type InjectResult } from '../mutate/inject.js';
import type { InjectSettings } from '../mutate/settings.js';
import { PlanError } from '../mutate/vmcpContainer.js';
import type { GetSecret } from '../validate/lookup.js';

export const INJECTIONS_METRIC = 'mcp_header_forward_pod_injections_total';

export interface MutateRouteOptions {
  lookup: ToolhiveLookup;
  /** False until the informers' first lists are in: a skip then would be a silent miss, so deny and let the controller retry. */
  synced: () => boolean;
  settings: InjectSettings;
  namespaceLabels?: { label(namespace: string, key: string): string | undefined };
  /** Read the referenced Secrets' allowed-hosts annotations (issue 10); absent: routes carry no binding. */
  hostBinding?: { getSecret: GetSecret; requireHostBinding: boolean };
  registry?: Registry;
  path?: string;
}

/** `POST /mutate`: Pod CREATE -> the JSON patch that adds the header-forwarding sidecar, or none. */
export function mutateRoute(options: MutateRouteOptions): AdmissionRoute {
  const injections = options.registry === undefined ? undefined : injectionsCounter(options.registry);
  const count = (outcome: string, reason = ''): void => injections?.inc({ outcome, reason });
  return {
    path: options.path ?? MUTATE_PATH,
    name: 'mutate',
    async review(request, { logger }): Promise<AdmissionVerdict> {
      const pod = podOf(request);
      if (pod === undefined) return Promise.resolve(allow({ mode: 'skipped' }));
      const namespace = request.namespace ?? pod.metadata?.namespace ?? 'default';
      const where = `pod ${namespace}/${pod.metadata?.name ?? `${pod.metadata?.generateName ?? ''}*`}`;
      if (!options.synced()) {
        count('error', 'not-synced');
        return Promise.resolve(
          deny(
            `mcp-header-forward has not yet loaded VirtualMCPServers and MCPServerEntries; ${where} is refused ` +
              'rather than started without its header-forwarding sidecar (the controller retries)',
            { code: 503, mode: 'error' },
          ),
        );
      }
      const bindings = await bindingsFor(pod, namespace, options);
      if ('error' in bindings) {
        count('error', 'secret-lookup');
        logger.warn({ error: bindings.error }, 'cannot read the host binding of the referenced Secrets');
        return deny(`${where}: ${bindings.error}; refused rather than started without its host binding (the controller retries)`, {
          code: 503,
          mode: 'error',
        });
      }
      const result = tryInject(pod, namespace, options, bindings.bindings);
      if (result instanceof PlanError) {
        count('error', 'plan-error');
        logger.warn({ field: result.field, error: result.message }, 'cannot inject the header-forwarding sidecar');
        return Promise.resolve(deny(`${where}: ${result.message}`, { code: 400, mode: 'error' }));
      }
      const { decision, plan, patch } = result;
      if (!decision.inject) {
        count('skipped', decision.reasons[0]!.code);
        logger.debug({ reasons: decision.reasons.map((r) => r.message) }, 'not injected');
        return Promise.resolve(allow({ mode: 'skipped' }));
      }
      const outcome = patch.length === 0 ? 'unchanged' : 'injected';
      count(outcome);
      logger.info(
        { outcome, routes: plan?.routeCount, status: plan?.statusHash, operations: patch.length, warnings: plan?.warnings },
        outcome === 'injected' ? 'header-forwarding sidecar injected' : 'pod already has the current sidecar',
      );
      return Promise.resolve(allow({ mode: outcome, patch, warnings: plan?.warnings ?? [] }));
    },
  };
}

function bindingsFor(pod: V1Pod, namespace: string, options: MutateRouteOptions): Promise<BindingsLookup> {
  if (options.hostBinding === undefined) return Promise.resolve({ bindings: new Map() });
  const names = referencedSecretsFor(pod, { namespace, findVmcp: (ns, n) => options.lookup.vmcp(ns, n), entriesIn: (ns) => options.lookup.entries(ns) });
  if (names.length === 0) return Promise.resolve({ bindings: new Map() });
  return readSecretBindings(pod.metadata?.namespace || namespace, names, options.hostBinding);
}

function tryInject(pod: V1Pod, namespace: string, options: MutateRouteOptions, secretBindings: SecretBindings): InjectResult | PlanError {
  const injectLabel = options.namespaceLabels?.label(namespace, INJECT_NAMESPACE_LABEL);
  try {
    return injectPod(pod, {
      namespace,
      ...(injectLabel !== undefined ? { namespaceLabels: { [INJECT_NAMESPACE_LABEL]: injectLabel } } : {}),
      findVmcp: (ns, name) => options.lookup.vmcp(ns, name),
      entriesIn: (ns) => options.lookup.entries(ns),
      settings: options.settings,
      secretBindings,
    });
  } catch (error: unknown) {
    if (error instanceof PlanError) return error;
    throw error;
  }
}

/** Pod CREATE only: a pod's containers cannot change after creation, so there is nothing to do on UPDATE. */
function podOf(request: AdmissionRequest): V1Pod | undefined {
  const isPod = request.kind.group === '' && request.kind.kind === 'Pod' && (request.subResource ?? '') === '';
  if (!isPod || request.operation !== 'CREATE' || request.object == null) return undefined;
  const pod = request.object as V1Pod;
  return Array.isArray(pod.spec?.containers) ? pod : undefined;
}

function injectionsCounter(registry: Registry): Counter<'outcome' | 'reason'> {
  return registeredCounter(registry, {
    name: INJECTIONS_METRIC,
    help: 'Pod admissions by outcome (injected, unchanged, skipped, error) and the first skip or error reason.',
    labelNames: ['outcome', 'reason'] as const,
  });
}
