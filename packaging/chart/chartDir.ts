import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../test/e2e/harness/paths.js';

// Where the chart lives and the facts about it that come from elsewhere (package.json).

export const CHART_NAME = 'mcp-header-forward';
export const CHART_DIR = join(PROJECT_ROOT, 'charts', CHART_NAME);

interface PackageJson {
  name: string;
  version: string;
  description: string;
  license: string;
}

/** package.json: the one place the release version is written (image tag, chart version and appVersion). */
export function packageJson(): PackageJson {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

export function readChartFile(path: string): string {
  return readFileSync(join(CHART_DIR, path), 'utf8');
}
