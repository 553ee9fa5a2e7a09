import { CHART_YAML, renderChartYaml } from './chartYaml.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../test/e2e/harness/paths.js';
import { MANIFEST_TEMPLATES, renderManifestTemplate } from './manifestTemplates.js';
import { VALUES_README, renderValuesReadme } from './valuesReadme.js';
import { WEBHOOK_CONFIGURATIONS_TEMPLATE, renderWebhookConfigurationsTemplate } from './webhookConfigurationsTemplate.js';

// Every chart file that is generated, with its generator: generatedFiles.test.ts keeps each equal to its output
// (UPDATE_CHART=1 rewrites them). The rest of the chart is written by hand and checked by the e2e equality test.

export const DASHBOARD_FILE = 'files/grafana-dashboard.json';

export interface GeneratedFile {
  /** Path inside charts/mcp-header-forward. */
  path: string;
  render: () => string;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: CHART_YAML, render: renderChartYaml },
  { path: WEBHOOK_CONFIGURATIONS_TEMPLATE, render: renderWebhookConfigurationsTemplate },
  ...MANIFEST_TEMPLATES.map((template) => ({ path: template.template, render: () => renderManifestTemplate(template) })),
  // The dashboard as is: a chart reads only its own files (.Files.Get in templates/monitoring/dashboard.yaml).
  { path: DASHBOARD_FILE, render: () => readFileSync(join(PROJECT_ROOT, 'manifests', 'monitoring', 'grafana-dashboard.json'), 'utf8') },
  { path: VALUES_README, render: () => renderValuesReadme() },
];
