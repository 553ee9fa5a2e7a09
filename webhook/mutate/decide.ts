import type { V1Pod } from '@kubernetes/client-node';
import {
  INJECT_ANNOTATION,
  INJECT_DISABLED,
  INJECT_NAMESPACE_LABEL,
  VMCP_CONTAINER_NAME,
  VMCP_INSTANCE_LABEL,
  VMCP_NAME_LABEL,
  VMCP_NAME_VALUE,
} from '../../contract/labels.js';
import type { MCPServerEntry, VirtualMCPServer } from '../../contract/toolhive.js';
import { groupOf } from './entries.js';

// Inject or skip, with reasons a person can read in a log line and a metric label can carry (Linkerd's
// Report.Injectable): the decision is made apart from building the patch.
export const SKIP = {
  notVmcpPod: 'not-vmcp-pod',
  optedOut: 'opted-out',
  hostNetwork: 'host-network',
  namespaceExcluded: 'namespace-excluded',
  namespaceDisabled: 'namespace-disabled',
  noVmcpContainer: 'no-vmcp-container',
  vmcpNotFound: 'vmcp-not-found',
  noGroup: 'no-group',
  noForwardingEntries: 'no-forwarding-entries',
  forwardedByToolhive: 'forwarded-by-toolhive',
} as const;
export type SkipCode = (typeof SKIP)[keyof typeof SKIP];

export interface SkipReason {
  code: SkipCode;
  message: string;
}

export type Decision = { inject: true; reasons: [] } | { inject: false; reasons: SkipReason[] };

export interface DecideInput {
  pod: V1Pod;
  /** The AdmissionRequest's namespace: pods created by a ReplicaSet carry none of their own. */
  namespace: string;
  /** Labels of the pod's namespace when known (the webhook's namespaceSelector filters too). */
  namespaceLabels?: Readonly<Record<string, string>>;
  /** The VirtualMCPServer named by the pod's instance label, when found. */
  vmcp?: VirtualMCPServer;
  /** The entries forwardingEntriesFor(vmcp, ...) selected. */
  entries: readonly MCPServerEntry[];
  excludedNamespaces: readonly string[];
}

type Check = (input: DecideInput) => SkipReason | undefined;

const podChecks: readonly Check[] = [
  ({ pod }) =>
    pod.metadata?.labels?.[VMCP_NAME_LABEL] === VMCP_NAME_VALUE
      ? undefined
      : { code: SKIP.notVmcpPod, message: `pod is not labelled ${VMCP_NAME_LABEL}=${VMCP_NAME_VALUE}` },
  ({ pod }) =>
    pod.metadata?.annotations?.[INJECT_ANNOTATION]?.toLowerCase() === 'false'
      ? { code: SKIP.optedOut, message: `pod annotation ${INJECT_ANNOTATION}="false" opts it out` }
      : undefined,
  ({ pod }) =>
    pod.spec?.hostNetwork === true
      ? { code: SKIP.hostNetwork, message: 'pod uses hostNetwork: a loopback proxy would be shared with the node' }
      : undefined,
  ({ namespace, excludedNamespaces }) =>
    excludedNamespaces.includes(namespace)
      ? { code: SKIP.namespaceExcluded, message: `namespace "${namespace}" is never injected` }
      : undefined,
  ({ namespace, namespaceLabels }) =>
    namespaceLabels?.[INJECT_NAMESPACE_LABEL] === INJECT_DISABLED
      ? { code: SKIP.namespaceDisabled, message: `namespace "${namespace}" is labelled ${INJECT_NAMESPACE_LABEL}=${INJECT_DISABLED}` }
      : undefined,
  ({ pod }) =>
    (pod.spec?.containers ?? []).some((c) => c.name === VMCP_CONTAINER_NAME)
      ? undefined
      : { code: SKIP.noVmcpContainer, message: `pod has no container named "${VMCP_CONTAINER_NAME}"` },
];

// Only meaningful once the pod itself qualifies: they describe what the cluster holds for it.
const targetChecks: readonly Check[] = [
  ({ pod, vmcp, namespace }) =>
    vmcp !== undefined
      ? undefined
      : {
          code: SKIP.vmcpNotFound,
          message: `VirtualMCPServer "${pod.metadata?.labels?.[VMCP_INSTANCE_LABEL] ?? ''}" (label ${VMCP_INSTANCE_LABEL}) not found in namespace "${namespace}"`,
        },
  ({ vmcp }) =>
    vmcp === undefined || groupOf(vmcp) !== undefined
      ? undefined
      : { code: SKIP.noGroup, message: `VirtualMCPServer "${vmcp.metadata.name ?? ''}" has no spec.groupRef.name` },
  ({ vmcp, entries }) =>
    vmcp === undefined || groupOf(vmcp) === undefined || entries.length > 0
      ? undefined
      : {
          code: SKIP.noForwardingEntries,
          message: `no MCPServerEntry in group "${groupOf(vmcp) ?? ''}" sets spec.headerForward`,
        },
];

export function decide(input: DecideInput): Decision {
  const podReasons = collect(podChecks, input);
  const reasons = podReasons.length > 0 ? podReasons : collect(targetChecks, input);
  return reasons.length === 0 ? { inject: true, reasons: [] } : { inject: false, reasons };
}

function collect(checks: readonly Check[], input: DecideInput): SkipReason[] {
  return checks.map((check) => check(input)).filter((r): r is SkipReason => r !== undefined);
}

/** The VirtualMCPServer a vMCP pod belongs to, from its instance label. */
export function vmcpNameOf(pod: V1Pod): string | undefined {
  const name = pod.metadata?.labels?.[VMCP_INSTANCE_LABEL];
  return name === undefined || name === '' ? undefined : name;
}
