import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import {
  TESTED_ETCD_VERSION,
  TESTED_HELM_VERSION,
  TESTED_KUBERNETES_VERSION,
  TESTED_KYVERNO_VERSION,
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
    testedPolicyReportCrdFromKyverno: TESTED_KYVERNO_VERSION,
    testedHelm: TESTED_HELM_VERSION,
    toolhiveForwardsHeadersSince: TOOLHIVE_FORWARDS_SINCE,
  };
}

export function versionCommand(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return new Command('version')
    .description("Print this build's version and the ToolHive, Kubernetes, etcd and Helm versions it was tested with")
    .addOption(
      new Option('-o, --output <format>', 'text, or json or yaml (the same document)').choices(['text', 'json', 'yaml']).default('text'),
    )
    .action((flags: { output: 'text' | 'json' | 'yaml' }) => {
      const info = versionInfo();
      if (flags.output === 'json') {
        write(`${JSON.stringify(info, null, 2)}\n`);
        return;
      }
      if (flags.output === 'yaml') {
        write(stringify(info));
        return;
      }
      write(
        [
          `mcp-header-forward ${info.version} (Node.js ${info.node})`,
          `tested with ToolHive ${info.testedToolhive}, Kubernetes ${info.testedKubernetes}, etcd ${info.testedEtcd}, Helm ${info.testedHelm} (chart)`,
          `PolicyReports: wgpolicyk8s.io/v1alpha2, the CRD as Kyverno ${info.testedPolicyReportCrdFromKyverno} ships it`,
          `ToolHive >= ${info.toolhiveForwardsHeadersSince} forwards headers itself: sealed mode (--toolhive-forwarding) applies`,
        ].join('\n') + '\n',
      );
    });
}
