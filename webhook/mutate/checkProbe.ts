import type { V1Pod } from '@kubernetes/client-node';
import type { Operation } from 'fast-json-patch';
import { CHECK_PROBE_ANNOTATION, CHECK_REVIEWED_ANNOTATION } from '../../contract/labels.js';

// `mcp-header-forward check` proves the path API server -> Service -> webhook pod -> /mutate with a dry-run pod
// create. A skipped pod gets no patch, which looks the same as a webhook never called; so the probe pod carries a
// nonce and the answer echoes it in an annotation the API server returns with the (never stored) pod. Only on
// dry runs: a stored pod is never changed by this.

const pointer = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** The patch that marks `check`'s probe pod reviewed; undefined for every other request. */
export function checkProbePatch(pod: V1Pod, dryRun: boolean | undefined): Operation[] | undefined {
  const nonce = pod.metadata?.annotations?.[CHECK_PROBE_ANNOTATION];
  if (dryRun !== true || nonce === undefined) return undefined;
  return [{ op: 'add', path: `/metadata/annotations/${pointer(CHECK_REVIEWED_ANNOTATION)}`, value: nonce }];
}
