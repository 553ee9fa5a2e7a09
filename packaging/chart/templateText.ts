// Turning plain Kubernetes YAML into Helm template text. Generators put sentinel scalars where a template
// expression belongs, stringify with the yaml library (comments and layout kept), then swap the sentinels for
// template text here: the expressions never pass through a YAML serializer that would quote them.

export const RELEASE_NAMESPACE = '__RELEASE_NAMESPACE__';
export const FAILURE_POLICY = '__FAILURE_POLICY__';
export const EXCLUDED_NAMESPACES = '__EXCLUDED_NAMESPACES__';
export const WEBHOOK_ANNOTATIONS = '__WEBHOOK_ANNOTATIONS__';

/**
 * The sentinel for `labels:`: the base's labels (name, component) plus Helm's, from _helpers.tpl, plus the map
 * of values `extra` names (e.g. `.Values.metrics.labels`).
 */
export const labelsSentinel = (component: string, extra?: string): string =>
  `__LABELS_${component}${extra === undefined ? '' : `+${extra}`}__`;

/** Manifest text Helm must print as is (a PrometheusRule's `{{ $labels.x }}`): each delimiter as a template string. */
function escapeDelimiters(yaml: string): string {
  return yaml.replace(/\{\{|\}\}/g, (delimiter) => `{{ "${delimiter}" }}`);
}

/**
 * The sentinel for a value the chart takes whole from values (a NetworkPolicy rule's `from` peers), e.g.
 * `.Values.networkPolicy.apiServer`: rendered with toYaml where the manifest had its own.
 */
export const valuesSentinel = (values: string): string => `__VALUES_${values}__`;

const inline: Record<string, string> = {
  [RELEASE_NAMESPACE]: '{{ .Release.Namespace }}',
  [FAILURE_POLICY]: '{{ .Values.webhook.failurePolicy }}',
};

/** Replaces every sentinel; throws if one is left (a generator placed one where no rule expects it). */
export function sentinelsToTemplate(yaml: string): string {
  let text = escapeDelimiters(yaml)
    .replace(/^( *)labels: __LABELS_([a-z-]+)(?:\+([A-Za-z.]+))?__$/gm, (_line, indent: string, component: string, extra?: string) => {
      const inner = indent.length + 2;
      const values = `"root" $ "component" "${component}"${extra === undefined ? '' : ` "extra" ${extra}`}`;
      return `${indent}labels:\n${' '.repeat(inner)}{{- include "mcp-header-forward.labels" (dict ${values}) | nindent ${inner} }}`;
    })
    .replace(
      /^( *)(- )?([A-Za-z]+): __VALUES_(\.Values[A-Za-z.]+)__$/gm,
      (_line, indent: string, dash = '', key: string, values: string) => {
        const inner = indent.length + dash.length + 2;
        return `${indent}${dash}${key}:\n${' '.repeat(inner)}{{- toYaml ${values} | nindent ${inner} }}`;
      },
    )
    .replace(
      new RegExp(`^( *)annotations: ${WEBHOOK_ANNOTATIONS}$`, 'gm'),
      (_line, indent: string) =>
        `${indent}{{- with include "mcp-header-forward.webhookConfigurationAnnotations" $ }}{{ . | nindent ${indent.length} }}{{- end }}`,
    )
    .replace(
      new RegExp(`^( *)- ${EXCLUDED_NAMESPACES}$`, 'gm'),
      (_line, indent: string) => `${indent}{{- range .Values.namespaces.excluded }}\n${indent}- {{ . | quote }}\n${indent}{{- end }}`,
    );
  for (const [sentinel, expression] of Object.entries(inline)) text = text.replaceAll(sentinel, expression);
  const left = /__[A-Z_]+__/.exec(text);
  if (left) throw new Error(`sentinel ${left[0]} left in the template: no rule replaces it where it stands`);
  return text;
}

/** Wraps a template in a condition on values, e.g. `eq .Values.certificates.source "self-signed"`. */
export function onlyIf(condition: string, template: string): string {
  return `{{- if ${condition} }}\n${template.replace(/\n$/, '')}\n{{- end }}\n`;
}

/** A Helm comment: kept out of the rendered manifests. */
export function helmComment(lines: readonly string[]): string {
  return `{{- /*\n${lines.join('\n')}\n*/}}\n`;
}
