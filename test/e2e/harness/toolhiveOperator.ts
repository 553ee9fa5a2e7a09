import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Cluster } from './cluster.js';
import { freeLoopbackPort } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';
import { waitForHttpOk } from './readiness.js';
import { resolveToolhiveBinary } from './toolhiveBinaries.js';

// ToolHive's operator (cmd/thv-operator at the pinned version) as a local process with a kubeconfig: it
// reconciles MCPGroup, MCPServerEntry and VirtualMCPServer objects into the vMCP Deployment, ConfigMap and
// Service, exactly as in a cluster. Its pods then pass through our webhook like any other.

export interface ToolhiveOperator {
  process: ManagedProcess;
  version: string;
  stop(): Promise<void>;
}

export interface ToolhiveOperatorOptions {
  /** Namespace the operator keeps its own state in (telemetry ConfigMap, leader Lease). */
  namespace?: string;
  /** The vmcp image its Deployments use (VMCP_IMAGE); a real node needs one it can run. */
  vmcpImage?: string;
  log?: (line: string) => void;
}

export async function startToolhiveOperator(cluster: Cluster, options: ToolhiveOperatorOptions = {}): Promise<ToolhiveOperator> {
  const binary = await resolveToolhiveBinary('thv-operator', { ...(options.log ? { log: options.log } : {}) });
  const dir = await mkdtemp(join(cluster.info.workDir, 'thv-operator-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // Cluster admin: the operator's own ClusterRole lives in ToolHive's Helm chart, which this harness does not render.
  await writeFile(kubeconfig, await cluster.userKubeconfigYaml('toolhive-operator', ['system:masters']), { mode: 0o600 });
  const probePort = await freeLoopbackPort();
  const managed = await startProcess({
    name: 'thv-operator',
    command: binary.path,
    args: ['--metrics-bind-address', '0', '--health-probe-bind-address', `127.0.0.1:${probePort}`, '--kubeconfig', kubeconfig],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      POD_NAMESPACE: options.namespace ?? 'toolhive-system',
      // No update check or usage report: nothing may leave this machine.
      TOOLHIVE_SKIP_UPDATE_CHECK: 'true',
      ...(options.vmcpImage ? { VMCP_IMAGE: options.vmcpImage } : {}),
    },
    logFile: join(dir, 'thv-operator.log'),
  });
  await waitForHttpOk(`http://127.0.0.1:${probePort}/readyz`, managed, 60_000);
  options.log?.(`ToolHive operator ${binary.version} running (${binary.source}), log ${managed.logFile}`);
  return { process: managed, version: binary.version, stop: () => managed.stop() };
}
