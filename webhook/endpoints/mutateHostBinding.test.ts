import type { V1Pod } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ROUTES_ENV_VAR } from '../../contract/envNames.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../../contract/labels.js';
import { routeConfigSchema } from '../../contract/routes.js';
import type { AdmissionRequest } from '../admission/review.js';
import { ToolhiveIndex } from '../cluster/toolhiveIndex.js';
import { loadFixture } from '../../test/unit/webhook/mutateFixtures.js';
import type { GetSecret } from '../validate/lookup.js';
import { secretFacts } from '../validate/secretFacts.js';
import type { SecretLookup } from '../validate/types.js';
import { mutateRoute } from './mutate.js';

// basic-native: entries github (https://api.githubcopilot.com, Secret github-token) and analytics
// (https://mcp.analytics.example.com, Secret analytics).
const logger = pino({ level: 'silent' });
const fixture = loadFixture('basic-native');
const index = new ToolhiveIndex();
for (const v of fixture.vmcps) index.upsertVmcp(v);
for (const e of fixture.entries) index.upsertEntry(e);

const podCreate: AdmissionRequest = {
  uid: 'u-1',
  kind: { group: '', version: 'v1', kind: 'Pod' },
  resource: { group: '', version: 'v1', resource: 'pods' },
  namespace: 'tools',
  operation: 'CREATE',
  object: fixture.pod as unknown as Record<string, unknown>,
};

const found = (name: string, annotations: Record<string, string>): SecretLookup => ({
  status: 'found',
  secret: secretFacts({ metadata: { name, namespace: 'tools', annotations }, stringData: { k: 'v' } }, 'tools'),
});

async function inject(lookups: Record<string, SecretLookup>, requireHostBinding = false) {
  const gets: string[] = [];
  const getSecret: GetSecret = (namespace, name) => {
    gets.push(`${namespace}/${name}`);
    return Promise.resolve(lookups[name] ?? { status: 'not-found' });
  };
  const route = mutateRoute({
    lookup: index,
    synced: () => true,
    settings: fixture.settings,
    hostBinding: { getSecret, requireHostBinding },
  });
  const verdict = await route.review(podCreate, { logger });
  const pod =
    verdict.patch === undefined
      ? undefined
      : (fastJsonPatch.applyPatch(structuredClone(fixture.pod), verdict.patch, true, false).newDocument as V1Pod);
  const raw = pod?.spec?.initContainers?.[0]?.env?.find((e) => e.name === ROUTES_ENV_VAR)?.value;
  return { verdict, gets, routes: raw === undefined ? [] : routeConfigSchema.parse(JSON.parse(raw)).routes };
}

describe('POST /mutate with host binding', () => {
  it('reads the referenced Secrets by name and writes their allowed hosts into the routes', async () => {
    const { gets, routes, verdict } = await inject({
      'github-token': found('github-token', { [ALLOWED_HOSTS_ANNOTATION]: 'api.githubcopilot.com' }),
      analytics: found('analytics', {}),
    });
    expect(verdict.allowed).toBe(true);
    expect(gets.sort()).toEqual(['tools/analytics', 'tools/github-token']);
    expect(Object.fromEntries(routes.map((r) => [r.entry, r.allowedHosts]))).toEqual({
      'tools/analytics': undefined,
      'tools/github': { Authorization: ['api.githubcopilot.com'] },
    });
  });

  it('leaves out, with a warning, an entry whose Secret is bound elsewhere', async () => {
    const { routes, verdict } = await inject({
      'github-token': found('github-token', { [ALLOWED_HOSTS_ANNOTATION]: '*.github.com' }),
      analytics: found('analytics', {}),
    });
    expect(routes.map((r) => r.entry)).toEqual(['tools/analytics']);
    expect(verdict.warnings).toEqual([
      expect.stringMatching(/tools\/github skipped: spec\.remoteUrl host api\.githubcopilot\.com is not allowed/),
    ]);
  });

  it('with --require-host-binding leaves out entries whose Secrets are not annotated', async () => {
    const { routes } = await inject(
      { 'github-token': found('github-token', { [ALLOWED_HOSTS_ANNOTATION]: 'api.githubcopilot.com' }), analytics: found('analytics', {}) },
      true,
    );
    expect(routes.map((r) => r.entry)).toEqual(['tools/github']);
  });

  it('refuses the pod (503, the controller retries) when a Secret cannot be read', async () => {
    const { verdict } = await inject({ 'github-token': { status: 'error', reason: 'the API server answered HTTP 500' } });
    expect(verdict.allowed).toBe(false);
    expect(verdict.code).toBe(503);
    expect(verdict.message).toMatch(
      /could not read the allowed-hosts annotation of Secret "github-token": the API server answered HTTP 500/,
    );
  });
});
