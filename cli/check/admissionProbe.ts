import { MODE_LABEL } from '../../contract/labels.js';
import { API_VERSIONS, TOOLHIVE_GROUP } from '../../contract/toolhive.js';
import { VALIDATING_WEBHOOK_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import type { CheckResult, CheckTarget, ProbeFacts } from './types.js';

// The end-to-end proof: a server-side dry-run create of an MCPServerEntry our rules always deny (a restricted
// header). Only a denial in our words, relayed by the API server under our webhook's name, shows that the path
// API server -> Service -> webhook pod works with the registered caBundle. Dry-run: nothing is stored.

/** The restricted header the probe sets: ToolHive's and our rules refuse it, whatever the webhook's flags. */
export const PROBE_HEADER = 'Host';

export function probeEntry(facts: Pick<ProbeFacts, 'name' | 'namespace' | 'apiVersion'>): object {
  return {
    apiVersion: `${TOOLHIVE_GROUP}/${facts.apiVersion}`,
    kind: 'MCPServerEntry',
    metadata: { name: facts.name, namespace: facts.namespace, labels: { 'app.kubernetes.io/managed-by': 'mcp-header-forward-check' } },
    spec: {
      remoteUrl: 'https://mcp.example.com/mcp',
      transport: 'streamable-http',
      groupRef: { name: 'mcp-header-forward-check' },
      headerForward: { addPlaintextHeaders: { [PROBE_HEADER]: 'mcp-header-forward-check' } },
    },
  };
}

/** The API server's wording around our denial: `admission webhook "<name>" denied the request: <our message>`. */
export function ourDenialPrefix(facts: Pick<ProbeFacts, 'name' | 'namespace'>): string {
  return `admission webhook "${VALIDATING_WEBHOOK_NAME}" denied the request: MCPServerEntry ${facts.namespace}/${facts.name} has `;
}

/** What to do when the API server could not call a webhook of ours, by the cause its message names. */
export function callFailureFix(message: string, target: CheckTarget): string {
  const ns = target.namespace;
  if (/x509|certificate/i.test(message)) {
    return 'the caBundle does not trust the certificate the webhook pods serve (see the configuration and serving-certificate lines)';
  }
  if (/connection refused|no endpoints available|not found|no such host|connect: /i.test(message)) {
    return `no webhook pod answers behind Service ${ns}/${target.service}: kubectl -n ${ns} get pods,endpointslices -l app.kubernetes.io/name=${target.deployment}`;
  }
  if (/deadline exceeded|timeout|timed out/i.test(message)) {
    return `the API server cannot reach the pods in time: a NetworkPolicy must allow ingress to port 8443 from the API server (manifests/components/network-policy), and kubectl -n ${ns} logs deployment/${target.deployment} shows whether the webhook is slow`;
  }
  return `kubectl -n ${ns} logs deployment/${target.deployment}`;
}

function deniedCheck(facts: ProbeFacts & { outcome: { allowed: false } }, target: CheckTarget): Omit<CheckResult, 'id' | 'title'> {
  const { code, message } = facts.outcome;
  if (message.startsWith(ourDenialPrefix(facts))) {
    return {
      status: 'pass',
      detail: `denied by ${VALIDATING_WEBHOOK_NAME} in its own words: the API server reaches the webhook, trusts its certificate, and the webhook answers`,
    };
  }
  if (message.includes(`failed calling webhook "${VALIDATING_WEBHOOK_NAME}"`)) {
    return { status: 'fail', detail: `the API server could not call the webhook: ${message}`, fix: callFailureFix(message, target) };
  }
  if (code === 404 && /namespaces? .*not found/i.test(message)) {
    return { status: 'fail', detail: message, fix: 'pass --probe-namespace with a namespace that exists' };
  }
  if (code === 403) {
    return {
      status: 'fail',
      detail: `not allowed to try: ${message}`,
      fix: `the probe needs create on mcpserverentries.${TOOLHIVE_GROUP} in namespace ${facts.namespace} (dry-run: nothing is stored); or pass --probe-namespace`,
    };
  }
  return {
    status: 'fail',
    detail: `refused, but not by mcp-header-forward's rules${code === undefined ? '' : ` (HTTP ${code})`}: ${message}`,
    fix: 'another admission webhook or policy refused it first; check the message above',
  };
}

export function admissionProbeCheck(facts: ProbeFacts, target: CheckTarget): CheckResult {
  const base = {
    id: 'admission-probe',
    title: `Dry-run MCPServerEntry ${facts.namespace}/${facts.name} with header "${PROBE_HEADER}" denied by the webhook`,
  };
  if (!facts.outcome.allowed) return { ...base, ...deniedCheck({ ...facts, outcome: facts.outcome }, target) };
  const mode = facts.namespaceMode;
  if (mode === 'warn' || mode === 'audit') {
    return {
      ...base,
      status: 'fail',
      detail: `admitted: namespace ${facts.namespace} is labelled ${MODE_LABEL}=${mode}, so the webhook only warns`,
      fix: `pass --probe-namespace with a namespace in enforce mode, or kubectl label namespace ${facts.namespace} ${MODE_LABEL}-`,
    };
  }
  return {
    ...base,
    status: 'fail',
    detail: 'admitted: the webhook did not review it (or runs with --mode warn or audit)',
    fix: `the ValidatingWebhookConfiguration ${target.configuration} must exist with webhook ${VALIDATING_WEBHOOK_NAME} for mcpserverentries.${TOOLHIVE_GROUP} (see its line above); check --mode in the Deployment's args`,
  };
}

/** The newest version the CRD serves that the webhook is registered for; undefined when there is none. */
export function probeVersion(servedVersions: readonly string[]): string | undefined {
  return [...API_VERSIONS].reverse().find((version) => servedVersions.includes(version));
}
