import type { V1Pod } from '@kubernetes/client-node';
import { INJECT_NAMESPACE_LABEL } from '../../contract/labels.js';
import type { MCPServerEntry, VirtualMCPServer } from '../../contract/toolhive.js';
import { referencedSecretsFor, secretBindingsFrom, type SecretAnnotations } from './hostBindings.js';
import type { InjectContext } from './inject.js';
import type { InjectSettings } from './settings.js';

// Everything the engine needs before it plans one pod, gathered the same way by the webhook (/mutate), the drift
// check and `report --pods` (Secrets through the API) and `inject` (Secrets from files): the pod's namespace, the
// host bindings of the Secrets its routes reference, and the namespace's inject label.

export type AnnotationsRead = { annotations: ReadonlyMap<string, SecretAnnotations> } | { error: string };

export interface InjectionSources {
  findVmcp(namespace: string, name: string): VirtualMCPServer | undefined;
  entriesIn(namespace: string): readonly MCPServerEntry[];
  /** The namespace's mcp-header-forward.dev/inject label, undefined when absent or not known. */
  injectLabel(namespace: string): string | undefined;
  settings: InjectSettings;
  /** The annotations of these Secrets (undefined: it does not exist), or why some could not be read. */
  secretAnnotations(namespace: string, names: readonly string[]): Promise<AnnotationsRead>;
  requireHostBinding: boolean;
}

/** The pod's InjectContext, or why it cannot be planned now (a Secret's annotation could not be read). */
export async function prepareInjection(
  pod: V1Pod,
  fallbackNamespace: string,
  sources: InjectionSources,
): Promise<{ ctx: InjectContext } | { error: string }> {
  const namespace = pod.metadata?.namespace || fallbackNamespace;
  const lookup = { namespace, findVmcp: sources.findVmcp, entriesIn: sources.entriesIn };
  const names = referencedSecretsFor(pod, lookup);
  const read: AnnotationsRead = names.length === 0 ? { annotations: new Map() } : await sources.secretAnnotations(namespace, names);
  if ('error' in read) return read;
  const injectLabel = sources.injectLabel(namespace);
  return {
    ctx: {
      ...lookup,
      ...(injectLabel !== undefined ? { namespaceLabels: { [INJECT_NAMESPACE_LABEL]: injectLabel } } : {}),
      settings: sources.settings,
      secretBindings: secretBindingsFrom(read.annotations, sources.requireHostBinding),
    },
  };
}
