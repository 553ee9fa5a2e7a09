import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { installCrds, readCrdFile } from './crds.js';
import { goModuleDir } from './goModule.js';
import { KYVERNO_GOBUILD_DIR } from './paths.js';

// The PolicyReport CRD (wgpolicyk8s.io/v1alpha2) as Kyverno ships it, from Kyverno's Go module at the version
// test/e2e/gobuild/kyverno/go.mod pins (contract/compatibility.ts names it). Kyverno installs it, and Policy
// Reporter reads it: the CRD a cluster with either has.

export const KYVERNO_MODULE = 'github.com/kyverno/kyverno';
export const POLICY_REPORT_CRD_IN_MODULE = join('config', 'crds', 'policyreport', 'wgpolicyk8s.io_policyreports.yaml');
export const POLICY_REPORT_CRD_NAME = 'policyreports.wgpolicyk8s.io';

export async function policyReportCrd(): Promise<{ crd: V1CustomResourceDefinition; source: string }> {
  const module = await goModuleDir({
    module: KYVERNO_MODULE,
    gobuildDir: KYVERNO_GOBUILD_DIR,
    missingGo: `\`go\` is not on PATH: the PolicyReport CRD comes from the Go module pinned in ${KYVERNO_GOBUILD_DIR}/go.mod; install Go (the e2e needs it for Kubernetes and ToolHive too)`,
  });
  const file = join(module.dir, POLICY_REPORT_CRD_IN_MODULE);
  const crd = (await readCrdFile(file)).find((c) => c.metadata?.name === POLICY_REPORT_CRD_NAME);
  if (crd === undefined) throw new Error(`${file} (${KYVERNO_MODULE}@${module.version}) holds no CRD named ${POLICY_REPORT_CRD_NAME}`);
  return { crd, source: `${KYVERNO_MODULE}@${module.version}` };
}

/** Whether the cluster has the CRD already (a kind cluster with Kyverno): then the test neither installs nor removes it. */
export async function policyReportCrdInstalled(admin: KubeConfig): Promise<boolean> {
  return admin
    .makeApiClient(ApiextensionsV1Api)
    .readCustomResourceDefinition({ name: POLICY_REPORT_CRD_NAME })
    .then(
      () => true,
      (error: unknown) => {
        if (error instanceof ApiException && error.code === 404) return false;
        throw error;
      },
    );
}

export async function installPolicyReportCrd(admin: KubeConfig, log: (line: string) => void): Promise<void> {
  const { crd, source } = await policyReportCrd();
  await installCrds(admin, [crd]);
  log(`installed ${POLICY_REPORT_CRD_NAME} from ${source}`);
}

/** Delete the CRD (and with it every PolicyReport) and wait until it is gone, so later files see a cluster without it. */
export async function removePolicyReportCrd(admin: KubeConfig): Promise<void> {
  await admin
    .makeApiClient(ApiextensionsV1Api)
    .deleteCustomResourceDefinition({ name: POLICY_REPORT_CRD_NAME })
    .catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 404)) throw error;
    });
  const deadline = Date.now() + 60_000;
  while (await policyReportCrdInstalled(admin)) {
    if (Date.now() > deadline) throw new Error(`CRD ${POLICY_REPORT_CRD_NAME} still present 60 s after its deletion`);
    await sleep(200);
  }
}
