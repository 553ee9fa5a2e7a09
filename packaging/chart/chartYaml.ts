import { stringify } from 'yaml';
import { MIN_KUBERNETES_VERSION } from '../../contract/compatibility.js';
import { CHART_NAME, packageJson } from './chartDir.js';

// Chart.yaml from package.json: the chart's version and appVersion are the release's version, so `make package`
// ships a chart and an image of one version, and a version bump is one edit.

export const CHART_YAML = 'Chart.yaml';

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function renderChartYaml(): string {
  const { version, description, license } = packageJson();
  // Helm refuses a chart version that is not SemVer 2; say where to fix it instead.
  if (!SEMVER.test(version)) throw new Error(`package.json version "${version}" is not SemVer 2, which Helm requires for a chart`);
  const chart = {
    apiVersion: 'v2',
    name: CHART_NAME,
    description,
    type: 'application',
    version,
    appVersion: version,
    // What `check` accepts (the Secret guard's matchConditions); `-0` lets pre-release and vendor builds in.
    kubeVersion: `>=${MIN_KUBERNETES_VERSION.slice(1)}-0`,
    keywords: ['toolhive', 'mcp', 'vmcp', 'admission-webhook', 'sidecar-injector'],
    annotations: { license },
  };
  const header = [
    '# Generated from package.json (version, description, license) and contract/compatibility.ts (kubeVersion) by packaging/chart: do not edit by hand.',
    '# Regenerate: UPDATE_CHART=1 npx vitest run packaging/chart',
  ].join('\n');
  return `${header}\n${stringify(chart, { lineWidth: 0 })}`;
}
