import type { Registry } from 'prom-client';
import { registeredCounter } from '../registeredMetrics.js';
import { MODE_LABEL, type Mode } from '../../contract/labels.js';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, mcpServerEntrySchema, type MCPServerEntry } from '../../contract/toolhive.js';
import { allow, deny, type AdmissionVerdict } from '../admission/response.js';
import type { AdmissionRequest } from '../admission/review.js';
import type { AdmissionRoute } from '../admission/route.js';
import { VALIDATE_PATH } from '../registrations/webhookConfigurations.js';
import { decide, effectiveMode, type Decision } from '../validate/decide.js';
import { lookupSecrets, type GetSecret } from '../validate/lookup.js';
import { lookupReadableSecrets, requesterFrom, type CanReadSecret } from '../validate/readableLookup.js';
import type { Rule, SecretLookupResults, ValidationInput, Violation } from '../validate/types.js';
import { DEFAULT_RULES, validateEntry } from '../validate/validateEntry.js';

export const VALIDATION_RESULTS_METRIC = 'mcp_header_forward_entry_validations_total';
export const VIOLATIONS_METRIC = 'mcp_header_forward_entry_violations_total';
/** Audit annotation keys; the API server records them as `<webhook name>/<key>` in the request's audit event. */
export const REASONS_ANNOTATION = 'reasons';
export const OUTCOME_ANNOTATION = 'outcome';

export const SIBLINGS_UNCHECKED =
  "env var collisions with other entries of the group were not checked: the webhook's MCPServerEntry cache is not filled yet (it needs list/watch on mcpserverentries in all namespaces); the background scan checks again";

export interface ValidateRouteOptions {
  getSecret: GetSecret;
  /** --authorize-secret-refs: ask whether the requesting user may read each Secret before looking it up. */
  canReadSecret?: CanReadSecret;
  /** The global mode (--mode). */
  mode: Mode;
  /** Namespace labels (the informer); absent offline or in tests that do not need overrides. */
  namespaceLabels?: { label(namespace: string, key: string): string | undefined };
  rules?: readonly Rule[];
  /**
   * Entries the webhook knows in a namespace (the informer): same-group env var collisions are checked against
   * them. Undefined while the informer has not listed: the entry is admitted with a warning saying so.
   */
  siblings?: (namespace: string) => readonly MCPServerEntry[] | undefined;
  /** All of one review's Secret lookups finish (or count as not answered) within this; the --secret-lookup-timeout. */
  lookupBudgetMs?: number;
  registry?: Registry;
  path?: string;
}

/** `POST /validate`: MCPServerEntry CREATE/UPDATE against the headerForward rules. */
export function validateRoute(options: ValidateRouteOptions): AdmissionRoute {
  const counters = options.registry === undefined ? undefined : validationCounters(options.registry);
  const rules = options.rules ?? DEFAULT_RULES;
  return {
    path: options.path ?? VALIDATE_PATH,
    name: 'validate',
    async review(request, { logger }): Promise<AdmissionVerdict> {
      if (!isEntryReview(request)) {
        logger.info({ resource: request.resource }, 'not an MCPServerEntry create/update; allowed without checks');
        return allow({ mode: 'skipped' });
      }
      const parsed = mcpServerEntrySchema.safeParse(request.object);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(object)'}: ${i.message}`);
        return deny(`cannot read this MCPServerEntry: ${problems.join('; ')}`, { code: 400, mode: 'error' });
      }
      const entry = parsed.data;
      const namespace = request.namespace ?? entry.metadata.namespace ?? 'default';
      const { mode, warning: modeWarning } = effectiveMode(options.mode, options.namespaceLabels?.label(namespace, MODE_LABEL), MODE_LABEL);
      // Finalizer removal on a deleting object must never get stuck behind a missing Secret.
      if (entry.metadata.deletionTimestamp !== undefined) return allow({ mode });

      const siblings = options.siblings?.(namespace);
      const unchecked = options.siblings !== undefined && siblings === undefined ? [SIBLINGS_UNCHECKED] : [];
      const secrets = await secretsFor(options, request, entry, namespace);
      const result = validateEntry(validationInput(request, entry, namespace, secrets, siblings), rules);
      const object = `MCPServerEntry ${namespace}/${entry.metadata.name ?? `${entry.metadata.generateName ?? ''}*`}`;
      const decision = decide(result, mode, object);
      const outcome = outcomeOf(result.violations, decision);
      const verdict = verdictFor(decision, outcome, mode, object);
      counters?.record(mode, outcome);
      if (result.violations.length > 0) {
        // Field paths and messages only: messages never carry Secret values.
        logger.warn(
          {
            mode,
            outcome: outcome.outcome,
            violations: result.violations.map((v) => `${v.field}: ${v.message}`),
          },
          `${object}: headerForward violations`,
        );
      }
      verdict.warnings = [...(modeWarning === undefined ? [] : [modeWarning]), ...(verdict.warnings ?? []), ...unchecked];
      return verdict;
    },
  };
}

/** One review's outcome (metric label, audit annotation) and reason codes, computed once. */
interface ReviewOutcome {
  outcome: 'allowed' | 'would_deny' | 'denied';
  /** The violations' reason codes, each once, sorted. */
  reasons: string[];
}

function outcomeOf(violations: readonly Violation[], decision: Decision): ReviewOutcome {
  const reasons = [...new Set(violations.map((v) => v.reason))].sort();
  return { outcome: decision.allowed ? (reasons.length > 0 ? 'would_deny' : 'allowed') : 'denied', reasons };
}

/** The verdict; with violations, its outcome (denied, would_deny) and reason codes as audit annotations. */
function verdictFor(decision: Decision, { outcome, reasons }: ReviewOutcome, mode: Mode, object: string): AdmissionVerdict {
  const auditAnnotations = reasons.length === 0 ? undefined : { [OUTCOME_ANNOTATION]: outcome, [REASONS_ANNOTATION]: reasons.join(',') };
  const extra = { mode, warnings: decision.warnings, ...(auditAnnotations === undefined ? {} : { auditAnnotations }) };
  return decision.allowed ? allow(extra) : deny(decision.message ?? `${object} violates the headerForward rules`, extra);
}

function validationInput(
  request: AdmissionRequest,
  entry: MCPServerEntry,
  namespace: string,
  secrets: SecretLookupResults,
  siblings: readonly MCPServerEntry[] | undefined,
): ValidationInput {
  const oldEntry = request.operation === 'UPDATE' ? parseOld(request.oldObject) : undefined;
  return {
    entry,
    ...(oldEntry !== undefined ? { oldEntry } : {}),
    operation: request.operation as 'CREATE' | 'UPDATE',
    namespace,
    secrets,
    ...(siblings !== undefined ? { siblings } : {}),
  };
}

/** With --authorize-secret-refs, only the Secrets the requesting user may read are looked up. */
function secretsFor(
  options: ValidateRouteOptions,
  request: AdmissionRequest,
  entry: MCPServerEntry,
  namespace: string,
): Promise<SecretLookupResults> {
  const bounds = options.lookupBudgetMs === undefined ? {} : { deadline: Date.now() + options.lookupBudgetMs };
  if (options.canReadSecret === undefined) return lookupSecrets(entry, namespace, options.getSecret, bounds);
  return lookupReadableSecrets(
    entry,
    namespace,
    requesterFrom(request.userInfo),
    { getSecret: options.getSecret, canReadSecret: options.canReadSecret },
    bounds,
  );
}

function isEntryReview(request: AdmissionRequest): boolean {
  return (
    request.kind.group === TOOLHIVE_GROUP &&
    request.kind.kind === 'MCPServerEntry' &&
    (request.resource.resource === ENTRY_PLURAL || request.resource.resource === '') &&
    (request.operation === 'CREATE' || request.operation === 'UPDATE')
  );
}

function parseOld(oldObject: unknown): MCPServerEntry | undefined {
  const parsed = mcpServerEntrySchema.safeParse(oldObject);
  return parsed.success ? parsed.data : undefined;
}

/** Results by mode and outcome; reason codes counted once per review (two restricted headers: RestrictedHeader once). */
function validationCounters(registry: Registry): { record(mode: Mode, outcome: ReviewOutcome): void } {
  const results = registeredCounter(registry, {
    name: VALIDATION_RESULTS_METRIC,
    help: 'MCPServerEntry validations by effective mode and outcome (allowed, denied, would_deny in warn/audit).',
    labelNames: ['mode', 'outcome'] as const,
  });
  const violations = registeredCounter(registry, {
    name: VIOLATIONS_METRIC,
    help: '/validate reviews with at least one violation of a reason, by effective mode, outcome (denied, would_deny) and reason code.',
    labelNames: ['mode', 'outcome', 'reason'] as const,
  });
  return {
    record(mode, { outcome, reasons }) {
      results.inc({ mode, outcome });
      for (const reason of reasons) violations.inc({ mode, outcome, reason });
    },
  };
}
