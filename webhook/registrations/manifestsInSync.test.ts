import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderWebhookConfigurationsYaml } from './renderWebhookConfigurations.js';

// The base manifest is the code's output (Pepr style): the rules, selectors and policies the cluster runs
// with cannot drift from what the server and the harness were built and tested with.
const manifest = new URL('../../manifests/base/webhook-configurations.yaml', import.meta.url);

describe('manifests/base/webhook-configurations.yaml', () => {
  it('is exactly what webhook/registrations generates', () => {
    const expected = renderWebhookConfigurationsYaml();
    if (process.env['UPDATE_MANIFESTS'] === '1') writeFileSync(manifest, expected);
    expect(readFileSync(manifest, 'utf8'), 'regenerate: UPDATE_MANIFESTS=1 npx vitest run webhook/registrations').toBe(expected);
  });
});
