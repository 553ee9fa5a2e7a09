import type { V1Pod } from '@kubernetes/client-node';
import type { Operation } from 'fast-json-patch';
import type { MCPServerEntry, VirtualMCPServer } from '../../contract/toolhive.js';
import { decide, SKIP, vmcpNameOf, type Decision } from './decide.js';
import { forwardingEntriesFor } from './entries.js';
import type { SecretBindings } from './hostBindings.js';
import { patchFor } from './patch.js';
import { planPod, type Plan } from './plan.js';
import type { InjectSettings } from './settings.js';

// One engine for the webhook and `mcp-header-forward inject`: look up, decide, plan, diff.

export interface InjectContext {
  /** The AdmissionRequest's namespace (or the CLI's), used when the pod carries none. */
  namespace: string;
  namespaceLabels?: Readonly<Record<string, string>>;
  findVmcp(namespace: string, name: string): VirtualMCPServer | undefined;
  entriesIn(namespace: string): readonly MCPServerEntry[];
  settings: InjectSettings;
  /** Secret name -> allowed host patterns (the edge read the Secrets' annotations); absent: none bound. */
  secretBindings?: SecretBindings;
}

export interface InjectResult {
  decision: Decision;
  plan?: Plan;
  /** Empty when skipped or already in the desired state. */
  patch: Operation[];
}

export function injectPod(pod: V1Pod, ctx: InjectContext): InjectResult {
  const namespace = pod.metadata?.namespace || ctx.namespace;
  const name = vmcpNameOf(pod);
  const vmcp = name === undefined ? undefined : ctx.findVmcp(namespace, name);
  const entries = vmcp === undefined ? [] : forwardingEntriesFor(vmcp, ctx.entriesIn(namespace));
  const decision = decide({
    pod,
    namespace,
    ...(ctx.namespaceLabels ? { namespaceLabels: ctx.namespaceLabels } : {}),
    ...(vmcp ? { vmcp } : {}),
    entries,
    excludedNamespaces: ctx.settings.excludedNamespaces,
  });
  if (!decision.inject || vmcp === undefined) return { decision, patch: [] };
  const plan = planPod(pod, {
    vmcp,
    entries,
    settings: ctx.settings,
    ...(ctx.secretBindings ? { secretBindings: ctx.secretBindings } : {}),
  });
  if (plan.routeCount === 0 && plan.forwardedByToolhive.length > 0 && plan.forwardedByToolhive.length === entries.length) {
    const message = `vMCP forwards the headers of ${plan.forwardedByToolhive.join(', ')} itself (ToolHive operator env on container "vmcp") and --toolhive-forwarding=${ctx.settings.toolhiveForwarding} leaves nothing for a sidecar`;
    return { decision: { inject: false, reasons: [{ code: SKIP.forwardedByToolhive, message }] }, plan, patch: [] };
  }
  return { decision, plan, patch: patchFor(pod, plan.pod) };
}

/** An InjectContext over plain lists (the CLI's files, tests); the webhook passes its informer index. */
export function contextFromObjects(
  objects: { vmcps: readonly VirtualMCPServer[]; entries: readonly MCPServerEntry[] },
  base: Omit<InjectContext, 'findVmcp' | 'entriesIn'>,
): InjectContext {
  const nsOf = (o: { metadata: { namespace?: string } }): string => o.metadata.namespace || base.namespace;
  return {
    ...base,
    findVmcp: (namespace, name) => objects.vmcps.find((v) => nsOf(v) === namespace && v.metadata.name === name),
    entriesIn: (namespace) => objects.entries.filter((e) => nsOf(e) === namespace),
  };
}
