import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_NAMESPACE } from '../../../webhook/registrations/webhookConfigurations.js';

const run = promisify(execFile);

export const MANIFESTS_DIR = new URL('../../../manifests/', import.meta.url).pathname;
export const OVERLAYS = ['cert-manager', 'self-signed'] as const;
export type Overlay = (typeof OVERLAYS)[number];

/** A rendered Kubernetes object, loosely typed: tests read fields by path and assert on them. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export async function kustomize(kubectl: string, dir: string): Promise<{ yaml: string; objects: KubeObject[] }> {
  const { stdout } = await run(kubectl, ['kustomize', dir], { maxBuffer: 16 * 1024 * 1024 });
  const objects = parseAllDocuments(stdout).map((document) => {
    if (document.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${document.errors[0]!.message}`);
    return document.toJS() as KubeObject;
  });
  return { yaml: stdout, objects };
}

/** An overlay with a component added, as install.md tells a person to (`components: [...]` in their overlay). */
export async function kustomizeWithComponent(
  kubectl: string,
  overlay: Overlay,
  component: string,
): Promise<{ yaml: string; objects: KubeObject[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'mhf-component-'));
  try {
    const from = (path: string): string => relative(dir, path);
    await writeFile(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        `namespace: ${DEFAULT_NAMESPACE}`,
        'resources:',
        `  - ${from(`${MANIFESTS_DIR}overlays/${overlay}`)}`,
        'components:',
        `  - ${from(`${MANIFESTS_DIR}components/${component}`)}`,
        '',
      ].join('\n'),
    );
    return await kustomize(kubectl, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function only(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
}

/** kubectl with a kubeconfig; rejects with kubectl's stderr on a non-zero exit. */
export async function kubectl(path: string, kubeconfig: string, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(path, ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve({ stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
