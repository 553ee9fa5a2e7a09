import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { PROJECT_ROOT } from '../../test/e2e/harness/paths.js';
import { DEFAULT_NAMESPACE } from '../../webhook/registrations/webhookConfigurations.js';
import { RELEASE_NAMESPACE, helmComment, labelsSentinel, onlyIf, sentinelsToTemplate, valuesSentinel } from './templateText.js';

// Chart templates generated from the plain manifests kustomize installs (their comments included): the RBAC,
// for one list of rules in both installs, the Prometheus Operator objects of manifests/monitoring and the opt-in
// NetworkPolicy. Each object's namespace becomes the release's, its labels the base's plus Helm's (plus values,
// where named); lists a person must adapt (the NetworkPolicy's peers) come from values.

const NAMESPACED_KINDS = new Set([
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'NetworkPolicy',
]);
const MANAGED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/component'];

export interface ManifestTemplate {
  /** Chart path of the template. */
  template: string;
  /** The manifest it is generated from, relative to the repository. */
  source: string;
  /** Rendered only when this holds (the certs RBAC belongs to the self-signed certificate source). */
  condition?: string;
  /** A map of values added to every object's labels (so a Prometheus selects them). */
  extraLabels?: string;
  /** Lists taken from values instead of the manifest; values.yaml's defaults are the manifest's (a test compares). */
  fromValues?: readonly FromValues[];
}

export interface FromValues {
  /** Path of the list in the object; its parent is an item of a sequence (an ingress rule). */
  path: readonly (string | number)[];
  /** e.g. `.Values.networkPolicy.apiServer` */
  values: string;
  /** Replaces the manifest's comment above that item (which tells kustomize users to edit the file). */
  comment: string;
}

export const MANIFEST_TEMPLATES: readonly ManifestTemplate[] = [
  { template: 'templates/rbac.yaml', source: 'manifests/base/rbac.yaml' },
  { template: 'templates/leader-election-rbac.yaml', source: 'manifests/base/leader-election-rbac.yaml' },
  {
    template: 'templates/self-signed/rbac.yaml',
    source: 'manifests/overlays/self-signed/rbac.yaml',
    condition: 'eq .Values.certificates.source "self-signed"',
  },
  ...(['serviceMonitor', 'podMonitor', 'prometheusRule'] as const).map((value) => ({
    template: `templates/monitoring/${value.toLowerCase()}.yaml`,
    source: `manifests/monitoring/${value.toLowerCase()}.yaml`,
    condition: `.Values.metrics.${value}.enabled`,
    extraLabels: '.Values.metrics.labels',
  })),
  {
    template: 'templates/networkpolicy.yaml',
    source: 'manifests/components/network-policy/networkpolicy.yaml',
    condition: '.Values.networkPolicy.enabled',
    fromValues: [
      {
        path: ['spec', 'ingress', 0, 'from'],
        values: '.Values.networkPolicy.apiServer',
        comment: ' The webhook port: the API server only (networkPolicy.apiServer).',
      },
      {
        path: ['spec', 'ingress', 1, 'from'],
        values: '.Values.networkPolicy.prometheus',
        comment: ' The metrics port (plain HTTP, /metrics only): Prometheus only (networkPolicy.prometheus).',
      },
    ],
  },
];

function templateObject(document: Document, { source, extraLabels, fromValues = [] }: ManifestTemplate): void {
  const kind = String(document.get('kind'));
  const labels = document.getIn(['metadata', 'labels']);
  const component = isMap(labels) ? labels.get('app.kubernetes.io/component') : undefined;
  const keys = isMap(labels) ? labels.items.map((item) => String(item.key)) : [];
  // Only the labels this generator knows how to template: a new one would be dropped from the chart silently.
  if (typeof component !== 'string' || keys.join() !== MANAGED_LABELS.join())
    throw new Error(`${source}: ${kind} must be labelled exactly ${MANAGED_LABELS.join(', ')} (found ${keys.join(', ') || 'none'})`);
  document.setIn(['metadata', 'labels'], labelsSentinel(component, extraLabels));
  // Right after the name, where kustomize writes it.
  const metadata = document.get('metadata');
  if (NAMESPACED_KINDS.has(kind) && isMap(metadata)) metadata.items.splice(1, 0, document.createPair('namespace', RELEASE_NAMESPACE));
  for (const list of fromValues) takeFromValues(document, source, list);
  const subjects = document.get('subjects');
  if (isSeq(subjects))
    for (const subject of subjects.items)
      if (isMap(subject) && subject.get('namespace') === DEFAULT_NAMESPACE) subject.set('namespace', RELEASE_NAMESPACE);
}

function takeFromValues(document: Document, source: string, { path, values, comment }: FromValues): void {
  const index = path.at(-2);
  const sequence = document.getIn(path.slice(0, -2));
  const item = isSeq(sequence) && typeof index === 'number' ? sequence.items[index] : undefined;
  if (!isSeq(sequence) || !isMap(item) || !isSeq(document.getIn(path)))
    throw new Error(`${source}: no list at ${path.join('.')} to take from ${values}`);
  document.setIn(path, valuesSentinel(values));
  // The yaml library keeps the comment above a sequence's first item on the sequence itself.
  if (index === 0) sequence.commentBefore = comment;
  else item.commentBefore = comment;
}

export function renderManifestTemplate(manifest: ManifestTemplate): string {
  const { source, condition } = manifest;
  const documents = parseAllDocuments(readFileSync(join(PROJECT_ROOT, source), 'utf8'));
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]!.message}`);
    templateObject(document, manifest);
  }
  // Every document after the first keeps its own `---` line.
  const body = sentinelsToTemplate(documents.map((document) => document.toString({ lineWidth: 0, flowCollectionPadding: false })).join(''));
  const header = helmComment([
    `Generated from ${source} by packaging/chart: do not edit by hand.`,
    'Regenerate: UPDATE_CHART=1 npx vitest run packaging/chart',
  ]);
  return header + (condition === undefined ? body : onlyIf(condition, body));
}
