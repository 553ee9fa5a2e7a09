import {
  CHECK_PROBE_ANNOTATION,
  CHECK_REVIEWED_ANNOTATION,
  INJECT_DISABLED,
  INJECT_NAMESPACE_LABEL,
  VMCP_CONTAINER_NAME,
  VMCP_INSTANCE_LABEL,
  VMCP_NAME_LABEL,
  VMCP_NAME_VALUE,
} from '../../contract/labels.js';
import { IMAGE_REPOSITORY } from '../../webhook/mutate/settings.js';
import { ALWAYS_EXCLUDED_NAMESPACES, MUTATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { callFailureFix } from './admissionProbe.js';
import type { CheckResult, CheckTarget, InjectionProbeFacts } from './types.js';

// The same proof for /mutate: a server-side dry-run create of a pod labelled as a vMCP pod, in a namespace the
// injection webhook selects. The pod carries a nonce; only our injector echoes it back in an annotation on the
// pod the API server returns (webhook/mutate/checkProbe.ts), so the annotation shows that the API server called
// /mutate through the Service, trusted the certificate, and applied our patch. Dry-run: nothing is stored.

/** A pod the injection webhook's objectSelector takes, restricted-compliant so Pod Security does not refuse it first. */
export function probePod(facts: Pick<InjectionProbeFacts, 'namespace' | 'name' | 'nonce'>): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: facts.name,
      namespace: facts.namespace,
      labels: {
        [VMCP_NAME_LABEL]: VMCP_NAME_VALUE,
        [VMCP_INSTANCE_LABEL]: 'mcp-header-forward-check',
        'app.kubernetes.io/managed-by': 'mcp-header-forward-check',
      },
      annotations: { [CHECK_PROBE_ANNOTATION]: facts.nonce },
    },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: VMCP_CONTAINER_NAME,
          image: `${IMAGE_REPOSITORY}:check-probe`,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** Why the injection webhook is never called in the probe namespace, when the namespace alone says so. */
function notSelected(facts: InjectionProbeFacts, target: CheckTarget): string | undefined {
  if ([...ALWAYS_EXCLUDED_NAMESPACES, target.namespace].includes(facts.namespace))
    return `namespace ${facts.namespace} is never injected (the MutatingWebhookConfiguration's namespaceSelector leaves it out)`;
  if (facts.namespaceInjectLabel === INJECT_DISABLED)
    return `namespace ${facts.namespace} is labelled ${INJECT_NAMESPACE_LABEL}=${INJECT_DISABLED}, so the injector is not called there`;
  return undefined;
}

function refusedCheck(
  facts: InjectionProbeFacts & { outcome: { allowed: false } },
  target: CheckTarget,
): Omit<CheckResult, 'id' | 'title'> {
  const { code, message } = facts.outcome;
  if (message.includes(`failed calling webhook "${MUTATING_WEBHOOK_NAME}"`))
    return { status: 'fail', detail: `the API server could not call the injector: ${message}`, fix: callFailureFix(message, target) };
  if (code === 404 && /namespaces? .*not found/i.test(message))
    return { status: 'fail', detail: message, fix: 'pass --probe-namespace with a namespace that exists' };
  if (code === 403 && !message.includes('denied the request'))
    return {
      status: 'fail',
      detail: `not allowed to try: ${message}`,
      fix: `the probe needs create on pods in namespace ${facts.namespace} (dry-run: nothing is stored); or pass --probe-namespace`,
    };
  return {
    status: 'fail',
    detail: `refused before it reached the injector${code === undefined ? '' : ` (HTTP ${code})`}: ${message}`,
    fix: 'another admission webhook or policy (Pod Security, a quota) refused it; check the message above, or pass --probe-namespace',
  };
}

export function injectionProbeCheck(facts: InjectionProbeFacts, target: CheckTarget): CheckResult {
  const base = { id: 'injection-probe', title: `Dry-run vMCP pod ${facts.namespace}/${facts.name} answered by the injector` };
  if (!facts.outcome.allowed) return { ...base, ...refusedCheck({ ...facts, outcome: facts.outcome }, target) };
  if (facts.outcome.reviewed === facts.nonce) {
    return {
      ...base,
      status: 'pass',
      detail: `${MUTATING_WEBHOOK_NAME} patched it (annotation ${CHECK_REVIEWED_ANNOTATION}): the API server reaches /mutate, trusts its certificate, and the webhook answers`,
    };
  }
  const excluded = notSelected(facts, target);
  if (excluded !== undefined)
    return {
      ...base,
      status: 'fail',
      detail: `admitted unchanged: ${excluded}`,
      fix: 'pass --probe-namespace with a namespace the injector selects',
    };
  return {
    ...base,
    status: 'fail',
    detail: 'admitted without our annotation: the API server did not call the injector',
    fix: `the MutatingWebhookConfiguration ${target.configuration} must exist with webhook ${MUTATING_WEBHOOK_NAME} for pods (see its line above), and its namespaceSelector take namespace ${facts.namespace}; a webhook older than this CLI does not answer the probe: upgrade it`,
  };
}
