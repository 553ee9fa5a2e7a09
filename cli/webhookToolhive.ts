import { startToolhiveInformers, type ToolhiveInformers } from '../webhook/cluster/toolhiveInformers.js';
import type { WebhookContext } from './webhookContributor.js';

// One list + watch of VirtualMCPServers and MCPServerEntries per webhook process, shared by the contributors that
// need it (injector, Secret guard, background scan): one cache, one set of watch connections.
const shared = new WeakMap<WebhookContext, ToolhiveInformers>();

export function sharedToolhiveInformers(context: WebhookContext): ToolhiveInformers {
  let informers = shared.get(context);
  if (informers === undefined) {
    const { kubeConfig, logger, options } = context;
    informers = startToolhiveInformers({ kubeConfig, logger, version: String(options.toolhiveApiVersion ?? 'v1beta1') });
    shared.set(context, informers);
  }
  return informers;
}
