import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ENTRY_PLURAL, TOOLHIVE_GROUP } from '../../contract/toolhive.js';

// List MCPServerEntries (and VirtualMCPServers) for `report`, in pages. Read as v1beta1 (the storage version): the API server converts
// entries written as v1alpha1, so one list covers both served versions.

export const REPORT_ENTRY_VERSION = 'v1beta1';
const PAGE_SIZE = 250;

/** Raw objects (the caller parses them: an unreadable one is a finding, not a crash). `namespace` undefined = all. */
export function listEntries(kubeConfig: KubeConfig, namespace: string | undefined): Promise<unknown[]> {
  return listToolhive(kubeConfig, ENTRY_PLURAL, namespace);
}

/** Any ToolHive kind by plural (e.g. virtualmcpservers for `report --pods`), same paging. */
export async function listToolhive(kubeConfig: KubeConfig, plural: string, namespace: string | undefined): Promise<unknown[]> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const items: unknown[] = [];
  let next: string | undefined;
  do {
    const page = {
      group: TOOLHIVE_GROUP,
      version: REPORT_ENTRY_VERSION,
      plural,
      limit: PAGE_SIZE,
      ...(next !== undefined ? { _continue: next } : {}),
    };
    const list = (
      namespace === undefined ? await api.listClusterCustomObject(page) : await api.listNamespacedCustomObject({ ...page, namespace })
    ) as { items?: unknown[]; metadata?: { _continue?: string; continue?: string } };
    items.push(...(list.items ?? []));
    next = list.metadata?._continue ?? list.metadata?.continue;
    if (next === '') next = undefined;
  } while (next !== undefined);
  return items;
}
