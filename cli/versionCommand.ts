import { Command, Option } from 'commander';
import {
  TESTED_ETCD_VERSION,
  TESTED_HELM_VERSION,
  TESTED_KUBERNETES_VERSION,
  TESTED_TOOLHIVE_VERSION,
  TOOLHIVE_FORWARDS_SINCE,
} from '../contract/compatibility.js';
import { version } from './version.js';

// `mcp-header-forward version`: this build and what it was tested with, for bug reports and `check`.

export function versionInfo(): Record<string, string> {
  return {
    version,
    node: process.version,
    testedToolhive: TESTED_TOOLHIVE_VERSION,
    testedKubernetes: TESTED_KUBERNETES_VERSION,
    testedEtcd: TESTED_ETCD_VERSION,
    testedHelm: TESTED_HELM_VERSION,
    toolhiveForwardsHeadersSince: TOOLHIVE_FORWARDS_SINCE,
  };
}

export function versionCommand(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return new Command('version')
    .description("Print this build's version and the ToolHive, Kubernetes, etcd and Helm versions it was tested with")
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((flags: { output: 'text' | 'json' }) => {
      const info = versionInfo();
      if (flags.output === 'json') {
        write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      write(
        [
          `mcp-header-forward ${info.version} (Node.js ${info.node})`,
          `tested with ToolHive ${info.testedToolhive}, Kubernetes ${info.testedKubernetes}, etcd ${info.testedEtcd}, Helm ${info.testedHelm} (chart)`,
          `ToolHive >= ${info.toolhiveForwardsHeadersSince} forwards headers itself: sealed mode (--toolhive-forwarding) applies`,
        ].join('\n') + '\n',
      );
    });
}
