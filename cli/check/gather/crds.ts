import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { ENTRY_PLURAL, TOOLHIVE_GROUP, VMCP_PLURAL } from '../../../contract/toolhive.js';
import type { CrdFacts } from '../types.js';
import { lookup } from './calls.js';

// The ToolHive CRDs the webhook reads: MCPServerEntry (validated, and the injector's routes) and
// VirtualMCPServer (which entries a vMCP pod gets).

export const CHECKED_PLURALS = [ENTRY_PLURAL, VMCP_PLURAL] as const;

function crdFacts(crd: V1CustomResourceDefinition): Extract<CrdFacts['read'], { status: 'found' }>['value'] {
  return {
    servedVersions: crd.spec.versions.filter((v) => v.served).map((v) => v.name),
    storageVersion: crd.spec.versions.find((v) => v.storage)?.name,
    established: (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
  };
}

export function readCrds(
  kubeConfig: KubeConfig,
  timeoutMs: number,
  group: string = TOOLHIVE_GROUP,
  plurals: readonly string[] = CHECKED_PLURALS,
): Promise<CrdFacts[]> {
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  return Promise.all(
    plurals.map(async (plural) => {
      const name = `${plural}.${group}`;
      const read = await lookup(() => api.readCustomResourceDefinition({ name }), crdFacts, timeoutMs, `reading CRD ${name}`);
      return { plural, group, read };
    }),
  );
}
