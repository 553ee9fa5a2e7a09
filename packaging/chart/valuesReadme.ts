import { isMap, isScalar, parseDocument, type Node, type YAMLMap } from 'yaml';
import { TESTED_HELM_VERSION } from '../../contract/compatibility.js';
import { CHART_NAME, packageJson, readChartFile } from './chartDir.js';

// The chart's README.md: its values table comes from the `# --` comments of values.yaml (the helm-docs
// convention, without helm-docs) and each value's type from values.schema.json, so the table cannot drift from
// either; a test compares the file with this output.

export const VALUES_README = 'README.md';

export interface ValueRow {
  key: string;
  type: string;
  defaultJson: string;
  description: string;
}

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

/** The text of a `# -- ...` comment (continuation lines joined), or undefined for any other comment. */
function describedBy(comment: string | null | undefined): string | undefined {
  const lines = (comment ?? '').split('\n').map((line) => line.trim());
  if (!lines[0]?.startsWith('-- ')) return undefined;
  return lines.join(' ').slice(3).trim();
}

/** The schema of a dotted key, following local `#/definitions/...` references. */
export function schemaAt(schema: SchemaNode & { definitions?: Record<string, SchemaNode> }, key: string): SchemaNode {
  const resolve = (node: SchemaNode | undefined): SchemaNode | undefined =>
    node?.$ref?.startsWith('#/definitions/') ? schema.definitions?.[node.$ref.slice('#/definitions/'.length)] : node;
  let node: SchemaNode | undefined = schema;
  for (const part of key.split('.')) node = resolve(resolve(node)?.properties?.[part]);
  if (node === undefined) throw new Error(`values.schema.json has no property for ${key}`);
  return node;
}

function typeOf(node: SchemaNode): string {
  const type = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  if (node.enum !== undefined) return `${type}: ${node.enum.map((value) => `\`${String(value)}\``).join(', ')}`;
  if (type === 'array' && node.items?.type !== undefined) return `array of ${String(node.items.type)}`;
  return type;
}

/**
 * Every documented key, in file order. A comment documents the key below it; the yaml library attaches a
 * comment before a map's first key to the map itself, hence the index check. A key without one is documented
 * through its children; a leaf with neither is an error (every value has a description).
 */
function collectRows(map: YAMLMap, prefix: string, schema: SchemaNode, rows: ValueRow[]): void {
  map.items.forEach((pair, index) => {
    const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const key = prefix === '' ? name : `${prefix}.${name}`;
    const description = describedBy((pair.key as Node | null)?.commentBefore) ?? (index === 0 ? describedBy(map.commentBefore) : undefined);
    if (description !== undefined) {
      const value = pair.value as Node | null;
      rows.push({ key, type: typeOf(schemaAt(schema, key)), defaultJson: JSON.stringify(value?.toJSON() ?? null), description });
    } else if (isMap(pair.value) && pair.value.items.length > 0) {
      collectRows(pair.value, key, schema, rows);
    } else {
      throw new Error(`values.yaml: ${key} has no "# --" description`);
    }
  });
}

export function valueRows(valuesYaml: string, schemaJson: string): ValueRow[] {
  const document = parseDocument(valuesYaml);
  if (document.errors.length > 0) throw new Error(`values.yaml: ${document.errors[0]!.message}`);
  if (!isMap(document.contents)) throw new Error('values.yaml: expected a map at the top');
  const rows: ValueRow[] = [];
  collectRows(document.contents, '', JSON.parse(schemaJson) as SchemaNode, rows);
  return rows;
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

export function renderValuesReadme(valuesYaml = readChartFile('values.yaml'), schemaJson = readChartFile('values.schema.json')): string {
  const { version, description } = packageJson();
  const table = valueRows(valuesYaml, schemaJson).map(
    (row) => `| \`${row.key}\` | ${cell(row.type)} | \`${cell(row.defaultJson)}\` | ${cell(row.description)} |`,
  );
  return [
    `<!-- Generated from values.yaml, values.schema.json and package.json by packaging/chart/valuesReadme.ts: do not edit by hand.`,
    `     Regenerate: UPDATE_CHART=1 npx vitest run packaging/chart -->`,
    `# ${CHART_NAME}`,
    '',
    description,
    '',
    `Chart version ${version}, appVersion ${version}; linted, rendered and packaged with Helm ${TESTED_HELM_VERSION}.`,
    'Install, upgrade, certificates and how the chart is tested: [docs/install-helm.md](../../docs/install-helm.md).',
    '',
    '```sh',
    `helm install ${CHART_NAME} ./${CHART_NAME}-${version}.tgz --namespace ${CHART_NAME} --create-namespace`,
    '```',
    '',
    '## Values',
    '',
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...table,
    '',
  ].join('\n');
}
