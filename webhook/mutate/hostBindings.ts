import type { V1Pod } from '@kubernetes/client-node';
import { parseAllowedHosts, remoteHost, unboundSecretHeaders } from '../../contract/hostBinding.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import type { HeaderFromSecret, MCPServerEntry } from '../../contract/toolhive.js';
import { vmcpNameOf } from './decide.js';
import { forwardingEntriesFor } from './entries.js';
import type { InjectContext } from './inject.js';

// Host binding in the injector (issue 10). The Secrets' allowed-hosts annotations are read at pod creation
// (the edge GETs each referenced Secret by name) and handed to the pure planner as a map; the planner copies
// the patterns into each route's `allowedHosts` (the sidecar checks them again at start) and leaves out, with a
// warning, a route whose remoteUrl is not allowed: the same policy as for every other entry it cannot serve whole.

/** Secret name -> the host patterns it may be sent to. Secrets not in the map are unbound. */
export type SecretBindings = ReadonlyMap<string, readonly string[]>;

/** What the edge learnt about one Secret's annotations (undefined: the Secret does not exist). */
export type SecretAnnotations = Readonly<Record<string, string>> | undefined;

/**
 * Bindings from the annotations. With `requireHostBinding`, an unannotated Secret is bound to no host, so its
 * routes are left out (and a hand-written config is refused by the sidecar). Invalid patterns never match.
 */
export function secretBindingsFrom(annotations: ReadonlyMap<string, SecretAnnotations>, requireHostBinding: boolean): SecretBindings {
  const bindings = new Map<string, readonly string[]>();
  for (const [name, secretAnnotations] of annotations) {
    // A missing Secret stops the pod at its secretKeyRef anyway; nothing to bind.
    if (secretAnnotations === undefined) continue;
    const annotation = secretAnnotations[ALLOWED_HOSTS_ANNOTATION];
    if (annotation !== undefined) bindings.set(name, parseAllowedHosts(annotation).patterns);
    else if (requireHostBinding) bindings.set(name, []);
  }
  return bindings;
}

/**
 * The route's `allowedHosts` (secret header -> patterns, only bound headers; undefined when none is bound), or
 * why the route must be left out.
 */
export function routeBinding(
  entry: MCPServerEntry,
  fromSecret: readonly HeaderFromSecret[],
  bindings: SecretBindings,
): { allowedHosts?: Record<string, string[]> } | { problem: string } {
  const allowedHosts: Record<string, string[]> = {};
  for (const header of fromSecret) {
    const patterns = bindings.get(header.valueSecretRef?.name ?? '');
    if (patterns !== undefined) allowedHosts[header.headerName] = [...patterns];
  }
  if (Object.keys(allowedHosts).length === 0) return {};
  const remoteUrl = entry.spec.remoteUrl ?? '';
  const unbound = unboundSecretHeaders(remoteUrl, allowedHosts);
  if (unbound.length === 0) return { allowedHosts };
  const detail = unbound.map((h) => `${h} may only go to ${allowedHosts[h]!.join(', ') || '(no host)'}`).join('; ');
  return {
    problem: `spec.remoteUrl host ${remoteHost(remoteUrl) ?? '?'} is not allowed by the ${ALLOWED_HOSTS_ANNOTATION} annotation of its Secrets (${detail})`,
  };
}

/** The Secrets this pod's routes would reference, sorted: what the edge must look up before planning. */
export function referencedSecretsFor(pod: V1Pod, ctx: Pick<InjectContext, 'namespace' | 'findVmcp' | 'entriesIn'>): string[] {
  const namespace = pod.metadata?.namespace || ctx.namespace;
  const name = vmcpNameOf(pod);
  const vmcp = name === undefined ? undefined : ctx.findVmcp(namespace, name);
  if (vmcp === undefined) return [];
  const names = forwardingEntriesFor(vmcp, ctx.entriesIn(namespace)).flatMap((entry) =>
    (entry.spec.headerForward?.addHeadersFromSecret ?? []).map((h) => h.valueSecretRef?.name ?? '').filter((n) => n !== ''),
  );
  return [...new Set(names)].sort();
}
