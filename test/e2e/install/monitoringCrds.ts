import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kubectl } from './render.js';
import { goModuleDir, requiredVersion } from '../harness/goModule.js';
import { PROMETHEUS_OPERATOR_GOBUILD_DIR } from '../harness/paths.js';

// The Prometheus Operator's CRDs (monitoring.coreos.com) that manifests/monitoring uses, from the release pinned in
// test/e2e/gobuild/prometheus-operator/go.mod, as ToolHive's come from its pinned module (toolhiveModule.ts).

export const PROMETHEUS_OPERATOR_MODULE = 'github.com/prometheus-operator/prometheus-operator';
/** Where the operator's repository keeps its plain CRD YAML. */
const CRDS_IN_MODULE = join('example', 'prometheus-operator-crd');
/** Only the kinds manifests/monitoring ships: ServiceMonitor, PodMonitor, PrometheusRule. */
export const MONITORING_CRDS = ['servicemonitors', 'podmonitors', 'prometheusrules'].map((plural) => `${plural}.monitoring.coreos.com`);

export async function pinnedPrometheusOperatorVersion(): Promise<string> {
  const goMod = await readFile(join(PROMETHEUS_OPERATOR_GOBUILD_DIR, 'go.mod'), 'utf8');
  const version = requiredVersion(goMod, PROMETHEUS_OPERATOR_MODULE);
  if (!version) throw new Error(`go.mod in ${PROMETHEUS_OPERATOR_GOBUILD_DIR} must require ${PROMETHEUS_OPERATOR_MODULE} at a release`);
  return version;
}

/** The CRD files, and which module version they came from. */
export async function monitoringCrdFiles(env: NodeJS.ProcessEnv = process.env): Promise<{ files: string[]; source: string }> {
  const module = await goModuleDir({
    module: PROMETHEUS_OPERATOR_MODULE,
    gobuildDir: PROMETHEUS_OPERATOR_GOBUILD_DIR,
    env,
    missingGo: `\`go\` is not on PATH: the monitoring CRDs come from the Go module pinned in ${PROMETHEUS_OPERATOR_GOBUILD_DIR}/go.mod; install Go`,
  });
  const files = MONITORING_CRDS.map((name) => {
    const [plural, group] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
    return join(module.dir, CRDS_IN_MODULE, `${group}_${plural}.yaml`);
  });
  return { files, source: `${PROMETHEUS_OPERATOR_MODULE}@${module.version}` };
}

/**
 * Server-side apply, so a cluster that has them already (kind, a rerun) is fine; then wait until they are
 * Established and their lists answer (a fresh CRD's storage answers 429 for a moment).
 */
export async function installMonitoringCrds(kubectlPath: string, kubeconfigPath: string, files: readonly string[]): Promise<void> {
  for (const file of files) {
    await kubectl(kubectlPath, kubeconfigPath, [
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager=mcp-header-forward-e2e',
      '-f',
      file,
    ]);
  }
  const crds = MONITORING_CRDS.map((name) => `crd/${name}`);
  await kubectl(kubectlPath, kubeconfigPath, ['wait', '--for=condition=Established', '--timeout=60s', ...crds]);
  const deadline = Date.now() + 60_000;
  for (const name of MONITORING_CRDS) {
    for (;;) {
      const listed = await kubectl(kubectlPath, kubeconfigPath, ['get', name, '--all-namespaces']).then(
        () => true,
        () => false,
      );
      if (listed) break;
      if (Date.now() > deadline) throw new Error(`${name} not listable within 60s`);
      await sleep(200);
    }
  }
}
