import { ApiException, ApiextensionsV1Api, AppsV1Api, CoreV1Api, CustomObjectsApi, PolicyV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connect, type Cluster } from './harness/cluster.js';
import { readCrds } from './harness/crds.js';
import { pinnedToolhiveVersion, TOOLHIVE_MODULE, toolhiveCrdsDir } from './harness/toolhiveModule.js';

let cluster: Cluster;

beforeAll(() => {
  cluster = connect(inject('controlPlane'));
});

describe('the e2e control plane', () => {
  it('serves the pinned Kubernetes version', async () => {
    const response = await fetchVersion(cluster);
    expect(response.gitVersion).toBe(cluster.info.versions.kubernetes);
  });

  it('lets the admin create a namespace', async () => {
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const name = `harness-${Date.now()}`;
    const created = await core.createNamespace({ body: { metadata: { name } } });
    expect(created.metadata?.name).toBe(name);
  });

  it('authorizes restricted users with RBAC: a user without bindings cannot list secrets', async () => {
    const stranger = (await cluster.userKubeConfig('jane', ['developers'])).makeApiClient(CoreV1Api);
    const error = await stranger.listNamespacedSecret({ namespace: 'default' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(403);
    expect(String((error as ApiException<unknown>).body)).toContain('User \\"jane\\" cannot list resource \\"secrets\\"');
  });

  it('runs the controller manager: a new namespace gets its default ServiceAccount', async () => {
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const namespace = `sa-${Date.now()}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await expect
      .poll(async () => (await core.listNamespacedServiceAccount({ namespace })).items.map((sa) => sa.metadata?.name), { timeout: 30_000 })
      .toContain('default');
  });

  it('serves the ToolHive CRDs in both versions', async () => {
    const namespace = `crds-${Date.now()}`;
    await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
    const custom = cluster.admin.makeApiClient(CustomObjectsApi);
    for (const version of ['v1alpha1', 'v1beta1']) {
      for (const plural of ['mcpserverentries', 'virtualmcpservers', 'mcpgroups']) {
        const list = (await custom.listNamespacedCustomObject({ group: 'toolhive.stacklok.dev', version, namespace, plural })) as {
          items: unknown[];
        };
        expect(list.items).toEqual([]);
      }
    }
  });

  it("installs ToolHive's CRDs from the pinned ToolHive Go module, not from a folder beside the clone", async () => {
    const env = { ...process.env };
    delete env.MCP_HF_TOOLHIVE_CRDS;
    const { dir, source } = await toolhiveCrdsDir(env);
    expect(source).toBe(`${TOOLHIVE_MODULE}@${await pinnedToolhiveVersion()}`);
    expect(dir).toContain(`${TOOLHIVE_MODULE}@${await pinnedToolhiveVersion()}/deploy/charts/operator-crds/files/crds`);
    const fromModule = (await readCrds(dir)).find((crd) => crd.metadata?.name === 'mcpserverentries.toolhive.stacklok.dev')!;
    const served = await cluster.admin
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'mcpserverentries.toolhive.stacklok.dev' });
    expect(served.spec.versions.map((v) => v.name)).toEqual(fromModule.spec.versions.map((v) => v.name));
    // The client returns typed objects (camelCase keys): compare what identifies the schema, per version.
    const shape = (versions: typeof served.spec.versions): unknown[] =>
      versions.map((v) => ({
        description: v.schema?.openAPIV3Schema?.description,
        spec: Object.keys(v.schema?.openAPIV3Schema?.properties?.spec?.properties ?? {}).sort(),
      }));
    expect(shape(served.spec.versions)).toEqual(shape(fromModule.spec.versions));
    expect(shape(served.spec.versions)[1]).toMatchObject({ spec: expect.arrayContaining(['headerForward', 'remoteUrl', 'groupRef']) });
    // The schema arrives whole, x-kubernetes-* extensions included (a plain YAML parse used to lose them).
    const vmcpCrd = await cluster.admin
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'virtualmcpservers.toolhive.stacklok.dev' });
    const podTemplateSpec = vmcpCrd.spec.versions.find((v) => v.name === 'v1beta1')!.schema!.openAPIV3Schema!.properties!.spec!.properties!
      .podTemplateSpec!;
    expect(podTemplateSpec.x_kubernetes_preserve_unknown_fields).toBe(true);
    const entrySpec = served.spec.versions.find((v) => v.name === 'v1beta1')!.schema!.openAPIV3Schema!.properties!.spec!.properties!;
    expect(entrySpec.transport!._enum).toEqual(['sse', 'streamable-http']);
    expect(entrySpec.headerForward!.properties!.addHeadersFromSecret!.x_kubernetes_list_type).toBe('map');
  });

  it('runs the controller manager: a Deployment gets a ReplicaSet and a Pending pod, a PDB gets status', async () => {
    const namespace = `controllers-${Date.now()}`;
    const core = cluster.admin.makeApiClient(CoreV1Api);
    const apps = cluster.admin.makeApiClient(AppsV1Api);
    const policy = cluster.admin.makeApiClient(PolicyV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    const labels = { app: 'probe' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'probe' },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'registry.invalid/probe:1' }] } },
        },
      },
    });
    await policy.createNamespacedPodDisruptionBudget({
      namespace,
      body: { metadata: { name: 'probe' }, spec: { minAvailable: 1, selector: { matchLabels: labels } } },
    });
    await expect
      .poll(async () => (await core.listNamespacedPod({ namespace })).items.map((pod) => pod.status?.phase), {
        timeout: 60_000,
        interval: 250,
      })
      .toEqual(['Pending']);
    await expect
      .poll(async () => (await policy.readNamespacedPodDisruptionBudget({ namespace, name: 'probe' })).status?.expectedPods, {
        timeout: 60_000,
        interval: 250,
      })
      .toBe(1);
  });
});

async function fetchVersion(target: Cluster): Promise<{ gitVersion: string }> {
  const { VersionApi } = await import('@kubernetes/client-node');
  return target.admin.makeApiClient(VersionApi).getCode();
}
