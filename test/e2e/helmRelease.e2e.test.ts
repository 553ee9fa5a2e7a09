import { AdmissionregistrationV1Api, AppsV1Api, BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyServingCerts } from '../../cli/certs/apply.js';
import { CHART_DIR } from '../../packaging/chart/chartDir.js';
import { DEFAULT_CONFIGURATION_NAME, DEFAULT_SERVICE_NAME } from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';
import { resolveHelm } from './harness/helmBinary.js';
import { runHelm, type HelmResult } from './install/helm.js';

// A real `helm install` and `helm upgrade` (Helm 4: server-side apply) on the e2e API server, with the certs Job's
// own code run in its place (no node runs pods here): the caBundle it writes survives the upgrade, and the upgrade
// gets a certs Job of its own instead of failing on the first Job's immutable pod template. failurePolicy Ignore:
// nothing serves these webhooks, and no other test may be blocked by them.

const info = inject('controlPlane');
const NS = `mhf-helm-${Date.now().toString(36)}`;
const RELEASE = 'mcp-header-forward';
let cluster: Cluster;
let helm: string;
let caBundles: string[];
let install: HelmResult;
let upgrade: HelmResult;

const helmAt = (args: string[]): Promise<HelmResult> => runHelm(helm, [...args, '--namespace', NS, '--kubeconfig', info.kubeconfigPath]);
/** install/upgrade: no webhook pod runs here, so the release's webhooks must not block the other files' requests. */
const helmIn = (args: string[]): Promise<HelmResult> => helmAt([...args, '--set', 'webhook.failurePolicy=Ignore']);

async function bundles(): Promise<string[]> {
  const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  const configs = [
    await admission.readValidatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME }),
    await admission.readMutatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME }),
  ];
  return configs.flatMap((config) => (config.webhooks ?? []).map((webhook) => webhook.clientConfig.caBundle ?? ''));
}

async function jobNames(): Promise<string[]> {
  const jobs = await cluster.admin.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: NS });
  return jobs.items.filter((job) => job.metadata?.deletionTimestamp === undefined).map((job) => job.metadata!.name!);
}

beforeAll(async () => {
  cluster = connect(info);
  helm = (await resolveHelm({ log: (line) => void process.stderr.write(`[helm] ${line}\n`) })).path;
  install = await helmIn(['install', RELEASE, CHART_DIR, '--create-namespace']);
  if (install.code !== 0) throw new Error(`helm install failed: ${install.stderr}`);
  // What the certs Job runs: issue the serving Secret and write caBundle into both configurations.
  await applyServingCerts(
    {
      service: DEFAULT_SERVICE_NAME,
      namespace: NS,
      secretName: 'mcp-header-forward-tls',
      days: 365,
      webhookConfiguration: DEFAULT_CONFIGURATION_NAME,
      renewBeforeDays: 30,
    },
    { stderr: () => undefined, now: () => new Date(), kubeConfig: cluster.admin },
  );
  caBundles = await bundles();
  upgrade = await helmIn(['upgrade', RELEASE, CHART_DIR, '--set', 'image.tag=0.0.0-upgrade']);
});

afterAll(async () => {
  // uninstall takes no --set: with it, helm refused and the release's cluster-scoped objects outlived this file
  // (the next file's kubectl apply warned about them).
  const uninstall = await helmAt(['uninstall', RELEASE]);
  if (uninstall.code !== 0) throw new Error(`helm uninstall failed: ${uninstall.stderr}`);
  const left = await cluster.admin
    .makeApiClient(AdmissionregistrationV1Api)
    .readValidatingWebhookConfiguration({ name: DEFAULT_CONFIGURATION_NAME })
    .then(
      () => true,
      () => false,
    );
  if (left) throw new Error(`helm uninstall left ValidatingWebhookConfiguration ${DEFAULT_CONFIGURATION_NAME} behind`);
  await cluster?.admin
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: NS })
    .catch(() => undefined);
});

describe('helm install', () => {
  it("prints the next steps for the release's namespace (NOTES.txt)", () => {
    expect(install.stdout).toContain(`kubectl -n ${NS} wait --for=condition=complete job -l app.kubernetes.io/component=certs`);
    expect(install.stdout).toContain(`kubectl label namespace ${NS} pod-security.kubernetes.io/enforce=restricted`);
  });
});

describe('helm upgrade of a self-signed release', () => {
  it('succeeds with a new image (the certs pod template changes)', () => {
    expect(upgrade.stderr).toBe('');
    expect(upgrade.code).toBe(0);
  });

  it("keeps the caBundle the certs Job wrote: Helm's apply does not own it", async () => {
    expect(caBundles.length).toBe(3);
    expect(caBundles.every((bundle) => bundle.length > 0)).toBe(true);
    expect(await bundles()).toEqual(caBundles);
  });

  it("replaces the install's certs Job with the revision's own", async () => {
    expect(await jobNames()).toEqual(['mcp-header-forward-certs-2']);
  });

  it('rolls the webhook to the new image', async () => {
    const deployment = await cluster.admin.makeApiClient(AppsV1Api).readNamespacedDeployment({ name: RELEASE, namespace: NS });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/mcp-header-forward/mcp-header-forward:0.0.0-upgrade');
    expect(deployment.spec?.template.spec?.containers[0]?.args).toContain(
      '--sidecar-image=ghcr.io/mcp-header-forward/mcp-header-forward:0.0.0-upgrade',
    );
  });
});
