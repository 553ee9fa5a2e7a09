import type { V1Pod } from '@kubernetes/client-node';
import { registeredCounter } from '../registeredMetrics.js';
import type { Counter, Registry } from 'prom-client';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import { allow, deny, type AdmissionVerdict } from '../admission/response.js';
import type { AdmissionRequest } from '../admission/review.js';
import type { AdmissionRoute } from '../admission/route.js';
import { secretAnnotationsReader } from '../cluster/secretBindings.js';
import type { ToolhiveLookup } from '../cluster/toolhiveIndex.js';
import { MUTATE_PATH } from '../registrations/webhookConfigurations.js';
import { checkProbePatch } from '../mutate/checkProbe.js';
import { injectPod, type InjectContext, type InjectResult } from '../mutate/inject.js';
import { memoizedInject, type Inject } from './injectMemo.js';
import { prepareInjection, type AnnotationsRead, type InjectionSources } from '../mutate/prepare.js';
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
  /** Plans remembered for identical pods (injectMemo.ts); 0 plans every review. */
  planMemoEntries?: number;
}

/** `POST /mutate`: Pod CREATE -> the JSON patch that adds the header-forwarding sidecar, or none. */
export function mutateRoute(options: MutateRouteOptions): AdmissionRoute {
  const injections = options.registry === undefined ? undefined : injectionsCounter(options.registry);
  const count = (outcome: string, reason = ''): void => injections?.inc({ outcome, reason });
  const inject = memoizedInject(injectPod, options.planMemoEntries);
  return answeringCheckProbe({
    path: options.path ?? MUTATE_PATH,
    name: 'mutate',
    async review(request, { logger }): Promise<AdmissionVerdict> {
      const pod = podOf(request);
      if (pod === undefined) return allow({ mode: 'skipped' });
      const namespace = pod.metadata?.namespace || (request.namespace ?? 'default');
      const where = `pod ${namespace}/${pod.metadata?.name ?? `${pod.metadata?.generateName ?? ''}*`}`;
      if (!options.synced()) {
        count('error', 'not-synced');
        return deny(
          `mcp-header-forward has not yet loaded VirtualMCPServers and MCPServerEntries; ${where} is refused ` +
            'rather than started without its header-forwarding sidecar (the controller retries)',
          { code: 503, mode: 'error' },
        );
      }
      const prepared = await prepareInjection(pod, namespace, sourcesOf(options));
      if ('error' in prepared) {
        count('error', 'secret-lookup');
        logger.warn({ error: prepared.error }, 'cannot read the host binding of the referenced Secrets');
        return deny(`${where}: ${prepared.error}; refused rather than started without its host binding (the controller retries)`, {
          code: 503,
          mode: 'error',
        });
      }
      const result = tryInject(inject, pod, prepared.ctx);
      if (result instanceof PlanError) {
        count('error', 'plan-error');
        logger.warn({ field: result.field, error: result.message }, 'cannot inject the header-forwarding sidecar');
        return deny(`${where}: ${result.message}`, { code: 400, mode: 'error' });
      }
      const { decision, plan, patch } = result;
      if (!decision.inject) {
        count('skipped', decision.reasons[0]!.code);
        logger.debug({ reasons: decision.reasons.map((r) => r.message) }, 'not injected');
        return allow({ mode: 'skipped' });
      }
      const outcome = patch.length === 0 ? 'unchanged' : 'injected';
      count(outcome);
      logger.info(
        { outcome, routes: plan?.routeCount, status: plan?.statusHash, operations: patch.length, warnings: plan?.warnings },
        outcome === 'injected' ? 'header-forwarding sidecar injected' : 'pod already has the current sidecar',
      );
      return allow({ mode: outcome, patch, warnings: plan?.warnings ?? [] });
    },
  });
}

/**
 * `check`'s dry-run probe pod is answered before anything else (synced or not, no injection metric: it is no pod
 * admission); the probe only asks whether the call reached us.
 */
function answeringCheckProbe(route: AdmissionRoute): AdmissionRoute {
  return {
    ...route,
    review(request, context) {
      const pod = podOf(request);
      const probe = pod === undefined ? undefined : checkProbePatch(pod, request.dryRun);
      return probe === undefined ? route.review(request, context) : Promise.resolve(allow({ mode: 'check-probe', patch: probe }));
    },
  };
}

function sourcesOf(options: MutateRouteOptions): InjectionSources {
  const noBindings = async (): Promise<AnnotationsRead> => ({ annotations: new Map() });
  return {
    findVmcp: (ns, name) => options.lookup.vmcp(ns, name),
    entriesIn: (ns) => options.lookup.entries(ns),
    injectLabel: (ns) => options.namespaceLabels?.label(ns, INJECT_NAMESPACE_LABEL),
    settings: options.settings,
    secretAnnotations: options.hostBinding === undefined ? noBindings : secretAnnotationsReader(options.hostBinding.getSecret),
    requireHostBinding: options.hostBinding?.requireHostBinding ?? false,
  };
}

function tryInject(inject: Inject, pod: V1Pod, ctx: InjectContext): InjectResult | PlanError {
  try {
    return inject(pod, ctx);
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
