import { Option } from 'commander';
import { API_VERSIONS } from '../contract/toolhive.js';
import { cachedForHostBinding } from '../webhook/cluster/bindingCache.js';
import { DEFAULT_TOOLHIVE_VERSION, type ToolhiveInformers } from '../webhook/cluster/toolhiveInformers.js';
import { mutateRoute } from '../webhook/routes/mutate.js';
import { addSidecarOptions, injectSettingsFrom, type SidecarFlagValues } from './sidecarFlags.js';
import type { WebhookContributor } from './webhookContributor.js';
import { sharedToolhiveInformers } from './webhookToolhive.js';

/** `/mutate`: injects the header-forwarding sidecar into vMCP pods, from informer-fed VirtualMCPServers and entries. */
export function mutateContributor(): WebhookContributor {
  let informers: ToolhiveInformers | undefined;
  return {
    name: 'mutate',
    addOptions(command) {
      addSidecarOptions(command).addOption(
        new Option('--toolhive-api-version <version>', 'version of toolhive.stacklok.dev to list and watch (the API server converts)')
          .choices(API_VERSIONS)
          .default(DEFAULT_TOOLHIVE_VERSION),
      );
    },
    routes(context) {
      const { options, logger, registry, namespaceLabels, getSecret } = context;
      const settings = injectSettingsFrom(options as unknown as SidecarFlagValues);
      informers = sharedToolhiveInformers(context);
      logger.info({ sidecar: { image: settings.image, mode: settings.mode }, apiServerHosts: settings.apiServerHosts }, 'injector settings');
      const lookup = informers;
      // Host binding (issue 10): read the referenced Secrets' allowed-hosts annotations; --require-host-binding is the validate flag.
      // Remembered a few seconds per Secret (see bindingCache.ts for why that window is safe).
      const hostBinding = { getSecret: cachedForHostBinding(getSecret), requireHostBinding: options.requireHostBinding === true };
      return [mutateRoute({ lookup, synced: () => lookup.synced(), settings, namespaceLabels, hostBinding, registry })];
    },
    readiness: () => [{ name: 'VirtualMCPServer and MCPServerEntry informers', ready: () => informers?.synced() ?? false }],
    async stop() {
      await informers?.stop();
    },
  };
}
