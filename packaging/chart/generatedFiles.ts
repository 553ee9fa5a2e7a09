import { CHART_YAML, renderChartYaml } from './chartYaml.js';
import { RBAC_TEMPLATES, renderRbacTemplate } from './rbacTemplates.js';
import { VALUES_README, renderValuesReadme } from './valuesReadme.js';
import { WEBHOOK_CONFIGURATIONS_TEMPLATE, renderWebhookConfigurationsTemplate } from './webhookConfigurationsTemplate.js';

// Every chart file that is generated, with its generator: generatedFiles.test.ts keeps each equal to its output
// (UPDATE_CHART=1 rewrites them). The rest of the chart is written by hand and checked by the e2e equality test.

export interface GeneratedFile {
  /** Path inside charts/mcp-header-forward. */
  path: string;
  render: () => string;
}

export const GENERATED_FILES: readonly GeneratedFile[] = [
  { path: CHART_YAML, render: renderChartYaml },
  { path: WEBHOOK_CONFIGURATIONS_TEMPLATE, render: renderWebhookConfigurationsTemplate },
  ...RBAC_TEMPLATES.map((template) => ({ path: template.template, render: () => renderRbacTemplate(template) })),
  { path: VALUES_README, render: () => renderValuesReadme() },
];
