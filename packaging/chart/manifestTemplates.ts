import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { PROJECT_ROOT } from '../../test/e2e/harness/paths.js';
import { DEFAULT_NAMESPACE } from '../../webhook/registrations/webhookConfigurations.js';
import { RELEASE_NAMESPACE, helmComment, labelsSentinel, onlyIf, sentinelsToTemplate } from './templateText.js';

// Chart templates generated from the plain manifests kustomize installs (their comments included): the RBAC,
// for one list of rules in both installs, and the Prometheus Operator objects of manifests/monitoring. Each
// object's namespace becomes the release's, its labels the base's plus Helm's (plus values, where named).

const NAMESPACED_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ServiceMonitor', 'PodMonitor', 'PrometheusRule']);
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
];

function templateObject(document: Document, { source, extraLabels }: ManifestTemplate): void {
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
  const subjects = document.get('subjects');
  if (isSeq(subjects))
    for (const subject of subjects.items)
      if (isMap(subject) && subject.get('namespace') === DEFAULT_NAMESPACE) subject.set('namespace', RELEASE_NAMESPACE);
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
