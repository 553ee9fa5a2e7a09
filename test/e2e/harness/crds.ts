import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  loadAllYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { CRDS_DIR_ENV } from './toolhiveModule.js';

/** Every CustomResourceDefinition in the YAML files of `dir`. */
export async function readCrds(dir: string): Promise<V1CustomResourceDefinition[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => /\.ya?ml$/.test(file)).sort();
  } catch (error) {
    throw new Error(
      `cannot read ToolHive CRDs from ${dir} (${(error as Error).message}); set ${CRDS_DIR_ENV} to the directory holding them`,
      {
        cause: error,
      },
    );
  }
  const crds: V1CustomResourceDefinition[] = [];
  for (const file of files) {
    // Typed through client-node's own YAML loader: wire keys such as `x-kubernetes-preserve-unknown-fields` become
    // the model's properties. A plain parse would keep the wire keys, which the client's serializer then drops.
    for (const object of loadAllYaml(await readFile(join(dir, file), 'utf8')) as (V1CustomResourceDefinition | null)[]) {
      if (object?.kind === 'CustomResourceDefinition') crds.push(object);
    }
  }
  if (crds.length === 0) throw new Error(`no CustomResourceDefinition in ${dir}; set ${CRDS_DIR_ENV} to ToolHive's CRD directory`);
  return crds;
}

function isEstablished(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((condition) => condition.type === 'Established' && condition.status === 'True');
}

/** Create the ToolHive CRDs and wait until the API server serves them. */
export async function installToolhiveCrds(
  admin: KubeConfig,
  from: { dir: string; source: string },
  log: (line: string) => void,
): Promise<void> {
  const { dir } = from;
  const crds = await readCrds(dir);
  await installCrds(admin, crds);
  log(`installed ${crds.length} ToolHive CRDs from ${from.source} (${dir}): ${crds.map((crd) => crd.metadata!.name).join(', ')}`);
}

/** Every CustomResourceDefinition in one YAML file (typed as in readCrds). */
export async function readCrdFile(file: string): Promise<V1CustomResourceDefinition[]> {
  return (loadAllYaml(await readFile(file, 'utf8')) as (V1CustomResourceDefinition | null)[]).filter(
    (object): object is V1CustomResourceDefinition => object?.kind === 'CustomResourceDefinition',
  );
}

/** Create CRDs and wait until each served version can be listed (Established, watch cache primed). */
export async function installCrds(admin: KubeConfig, crds: readonly V1CustomResourceDefinition[]): Promise<void> {
  const api = admin.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds) await api.createCustomResourceDefinition({ body: crd });
  const deadline = Date.now() + 60_000;
  for (const crd of crds) {
    const name = crd.metadata!.name!;
    for (;;) {
      if (isEstablished(await api.readCustomResourceDefinition({ name }))) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established within 60s`);
      await sleep(100);
    }
  }
  // Established is not enough: until the watch cache is primed, lists answer 429 "storage is (re)initializing".
  const custom = admin.makeApiClient(CustomObjectsApi);
  for (const crd of crds) {
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      const target = { group: crd.spec.group, version: version.name, plural: crd.spec.names.plural };
      for (;;) {
        const listed = await custom.listClusterCustomObject({ ...target, limit: 1 }).then(
          () => true,
          () => false,
        );
        if (listed) break;
        if (Date.now() > deadline) throw new Error(`${target.plural}.${target.group}/${target.version} not listable within 60s`);
        await sleep(100);
      }
    }
  }
}
