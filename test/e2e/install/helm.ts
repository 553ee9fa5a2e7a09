import { execFile } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { CHART_DIR } from '../../../packaging/chart/chartDir.js';
import type { KubeObject } from './render.js';

// The chart as `helm template` renders it, as objects the install tests compare with the kustomize overlays.

/** Labels every Helm chart carries (Helm's own conventions) that the kustomize manifests do not. */
export const HELM_LABELS = ['helm.sh/chart', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by'];

export interface HelmTemplateOptions {
  namespace?: string;
  release?: string;
  /** `--set key=value` pairs, in order. */
  set?: Record<string, string>;
  extraArgs?: string[];
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** helm with its output; never rejects on a non-zero exit, so tests can assert on failures too. */
export function runHelm(helm: string, args: string[]): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    execFile(helm, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

export function helmTemplateArgs(options: HelmTemplateOptions = {}): string[] {
  const sets = Object.entries(options.set ?? {}).flatMap(([key, value]) => ['--set', `${key}=${value}`]);
  return [
    'template',
    options.release ?? 'mcp-header-forward',
    CHART_DIR,
    '--namespace',
    options.namespace ?? 'mcp-header-forward',
    ...sets,
    ...(options.extraArgs ?? []),
  ];
}

export function parseObjects(yaml: string, what: string): KubeObject[] {
  return parseAllDocuments(yaml)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${what}: ${document.errors[0]!.message}`);
      return document.toJS() as KubeObject | null;
    })
    .filter((object): object is KubeObject => object !== null);
}

/** `helm template` of the chart; rejects with helm's message when it fails. */
export async function helmTemplate(helm: string, options: HelmTemplateOptions = {}): Promise<{ yaml: string; objects: KubeObject[] }> {
  const result = await runHelm(helm, helmTemplateArgs(options));
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}): ${result.stderr}`);
  return { yaml: result.stdout, objects: parseObjects(result.stdout, 'helm template') };
}

/** The objects with Helm's labels removed from every `labels` map (object metadata and pod templates). */
export function withoutHelmLabels<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutHelmLabels) as T;
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      key === 'labels' && field !== null && typeof field === 'object'
        ? Object.fromEntries(Object.entries(field).filter(([label]) => !HELM_LABELS.includes(label)))
        : withoutHelmLabels(field),
    ]),
  ) as T;
}

/** Sorted by kind and name, so two renderings compare whatever order each tool writes. */
export function byKindAndName(objects: KubeObject[]): KubeObject[] {
  const id = (o: KubeObject): string => `${o.kind}/${o.metadata.name}`;
  return [...objects].sort((a, b) => id(a).localeCompare(id(b)));
}
