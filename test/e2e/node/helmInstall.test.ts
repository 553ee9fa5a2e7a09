import { AdmissionregistrationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_DIR } from '../../../packaging/chart/chartDir.js';
import { DEFAULT_CONFIGURATION_NAME } from '../../../webhook/registrations/webhookConfigurations.js';
import { resolveHelm } from '../harness/helmBinary.js';
import { runCli } from '../harness/runCli.js';
import { runHelm, type HelmResult } from '../install/helm.js';
import { realNode } from './realNode.js';
import { INSTALL_NS, nodeScenario, type NodeScenario } from './scenario.js';

// The chart on the real node, as docs/install-helm.md says: `helm install --create-namespace` with the image built
// from the Dockerfile (the chart's default repository and appVersion tag, imported into containerd), the namespace
// labelled; the certs Job issues the certificate, both replicas run Ready behind the Service, both configurations
// get their caBundle, and `check`'s probes go through the real Service to the pods. `helm uninstall` and deleting
// the namespace leave nothing of ours. (toolhive.test.ts installs with kustomize; files run one at a time.)

const node = realNode();
const RELEASE = 'mcp-header-forward';

interface CheckLine {
  id: string;
  status: string;
  detail: string;
}

describe.skipIf(node === undefined)('installed with helm install', () => {
  let scenario: NodeScenario;
  let helmAt: ((args: string[]) => Promise<HelmResult>) | undefined;
  let installSeconds: number;

  beforeAll(async () => {
    const helm = (await resolveHelm({ log: (line) => void process.stderr.write(`[helm] ${line}\n`) })).path;
    helmAt = (args) => runHelm(helm, [...args, '--namespace', INSTALL_NS, '--kubeconfig', node!.kubeconfigPath]);
    scenario = nodeScenario(node!, 'default');
    const started = Date.now();
    const install = await helmAt(['install', RELEASE, CHART_DIR, '--create-namespace']);
    if (install.code !== 0) throw new Error(`helm install failed (${install.code}): ${install.stderr}`);
    await scenario.kubectl([
      'label',
      'namespace',
      INSTALL_NS,
      'pod-security.kubernetes.io/enforce=restricted',
      'pod-security.kubernetes.io/enforce-version=latest',
      'mcp-header-forward.dev/inject=disabled',
    ]);
    await scenario.waitInstalled();
    installSeconds = (Date.now() - started) / 1000;
    console.log(`[node e2e] helm install to both replicas Ready: ${installSeconds.toFixed(1)}s`);
  }, 600_000);

  afterAll(async () => {
    // After a failure before the uninstall test: leave the node to the next file as this one found it.
    await helmAt?.(['uninstall', RELEASE, '--ignore-not-found']);
    await scenario?.kubectl(['delete', 'namespace', INSTALL_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    await scenario?.close();
  });

  it('runs the certs Job and two Ready replicas behind the Service; both configurations carry a caBundle', async () => {
    const endpoints = await scenario.core.readNamespacedEndpoints({ namespace: INSTALL_NS, name: 'mcp-header-forward' });
    expect(endpoints.subsets?.flatMap((s) => s.addresses ?? [])).toHaveLength(2);
    const admission = scenario.cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const validating = await admission.readValidatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME });
    const mutating = await admission.readMutatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME });
    const webhooks = [...(validating.webhooks ?? []), ...(mutating.webhooks ?? [])];
    expect(webhooks).toHaveLength(3);
    for (const webhook of webhooks) expect(webhook.clientConfig.caBundle?.length ?? 0).toBeGreaterThan(100);
    expect(validating.metadata?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm' });
  });

  it("passes check: the admission and injection probes reach the pods through the release's Service", async () => {
    const run = await runCli(node!.kubeconfigPath, 'check', ['-o', 'json']);
    const checks = new Map((JSON.parse(run.stdout) as { checks: CheckLine[] }).checks.map((c) => [c.id, c]));
    expect(run.code, run.stdout).toBe(0);
    for (const id of ['deployment', 'serving-certificate', 'admission-probe', 'injection-probe'])
      expect(checks.get(id), `${id}: ${checks.get(id)?.detail ?? 'missing'}`).toMatchObject({ status: 'pass' });
  });

  it('helm uninstall and deleting the namespace leave nothing of ours', async () => {
    const uninstall = await helmAt!(['uninstall', RELEASE]);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    await scenario.kubectl(['delete', 'namespace', INSTALL_NS, '--wait=true', '--timeout=120s']);
    expect(await scenario.waitUninstalled()).toBe('');
  });
});
