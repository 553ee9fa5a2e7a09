import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  TESTED_ETCD_VERSION,
  TESTED_HELM_VERSION,
  TESTED_KUBERNETES_VERSION,
  TESTED_TOOLHIVE_VERSION,
  TOOLHIVE_FORWARDS_SINCE,
} from '../contract/compatibility.js';
import { API_VERSIONS } from '../contract/toolhive.js';

const page = readFileSync(new URL('compatibility.md', import.meta.url), 'utf8');
const nvmrc = readFileSync(new URL('../.nvmrc', import.meta.url), 'utf8').trim();

/** The "tested" cell of a component's row in the first table. */
function tested(component: string): string | undefined {
  const row = page.split('\n').find((line) => line.startsWith(`| ${component} |`));
  return row?.split('|')[2]?.trim();
}

describe('docs/compatibility.md', () => {
  it('names the versions the suites pin', () => {
    expect(tested('Kubernetes')).toBe(TESTED_KUBERNETES_VERSION);
    expect(tested('etcd')).toBe(TESTED_ETCD_VERSION);
    expect(tested('Helm')).toBe(TESTED_HELM_VERSION);
    expect(tested('ToolHive (operator + vMCP)')).toBe(TESTED_TOOLHIVE_VERSION);
    expect(tested('Node.js')).toBe(nvmrc);
    expect(tested('MCPServerEntry API')).toBe(`\`toolhive.stacklok.dev\` ${API_VERSIONS.join(', ')}`);
  });

  it('draws the ToolHive line where vMCP starts forwarding', () => {
    expect(page).toContain(`| < ${TOOLHIVE_FORWARDS_SINCE} |`);
    expect(page).toContain(`| >= ${TOOLHIVE_FORWARDS_SINCE} |`);
  });
});
