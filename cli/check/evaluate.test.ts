import { beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueLeaf, type Issuer } from '../../certs/x509.js';
import {
  MUTATING_WEBHOOK_NAME,
  SECRET_GUARD_WEBHOOK_NAME,
  VALIDATING_WEBHOOK_NAME,
} from '../../webhook/registrations/webhookConfigurations.js';
import { ourDenialPrefix } from './admissionProbe.js';
import { evaluate } from './evaluate.js';
import { DEFAULT_TARGET as target } from './target.js';
import type { ApiServerFacts, CrdFacts, GatheredFacts, InstallFacts, WebhookFacts } from './types.js';

// The whole evaluation from facts, with real certificates: which lines come out, in which order, and the caBundle
// of each webhook verified against the serving chain.

const DAY = 86_400_000;
const now = new Date();
const api: ApiServerFacts = { server: 'https://127.0.0.1:6443', context: 'dev', reach: { version: 'v1.36.3', user: 'admin' } };
const crd = (plural: string): CrdFacts => ({
  plural,
  group: 'toolhive.stacklok.dev',
  read: { status: 'found', value: { servedVersions: ['v1alpha1', 'v1beta1'], storageVersion: 'v1beta1', established: true } },
});
const crds = [crd('mcpserverentries'), crd('virtualmcpservers')];
let ca: Issuer;
let certPem: string;

beforeAll(async () => {
  ca = await createCa({ commonName: 'webhook CA', validForMs: 365 * DAY });
  certPem = (await issueLeaf(ca, { commonName: 'x', dnsNames: ['mcp-header-forward.mcp-header-forward.svc'], validForMs: 90 * DAY }))
    .certPem;
});

function install(caBundlePem: string): InstallFacts {
  const service = { service: { namespace: 'mcp-header-forward', name: 'mcp-header-forward', port: 443 } };
  const webhook = (name: string): WebhookFacts => ({ name, target: service, caBundlePem });
  const probe = { namespace: 'default', name: 'mcp-header-forward-check-1', apiVersion: 'v1beta1', namespaceMode: undefined };
  return {
    deployment: {
      status: 'found',
      value: { desired: 2, ready: 2, available: 2, updated: 2, serviceAccount: 'mcp-header-forward', conditions: [] },
    },
    tlsSecret: { status: 'found', value: { certPem, caPem: ca.certPem } },
    configurations: [
      {
        kind: 'ValidatingWebhookConfiguration',
        read: { status: 'found', value: { webhooks: [webhook(VALIDATING_WEBHOOK_NAME), webhook(SECRET_GUARD_WEBHOOK_NAME)] } },
      },
      { kind: 'MutatingWebhookConfiguration', read: { status: 'found', value: { webhooks: [webhook(MUTATING_WEBHOOK_NAME)] } } },
    ],
    probe: { ...probe, outcome: { allowed: false, code: 400, message: `${ourDenialPrefix(probe)}1 problem:` } },
    injectionProbe: {
      namespace: 'default',
      name: 'mcp-header-forward-check-2',
      nonce: 'n0',
      namespaceInjectLabel: undefined,
      outcome: { allowed: true, reviewed: 'n0' },
    },
    secretGuardProbe: { skipped: 'no MCPServerEntry in namespace default forwards a header from a Secret' },
    rbac: { serviceAccount: { namespace: 'mcp-header-forward', name: 'mcp-header-forward' }, fromDeployment: true, answers: [] },
    operators: [{ namespace: 'toolhive-system', name: 'toolhive-operator', image: 'x/operator:v0.44.0', versionLabel: undefined }],
  };
}

const full = (installFacts: InstallFacts): GatheredFacts => ({ mode: 'full', target, now, api, cluster: { crds, install: installFacts } });

describe('evaluate', () => {
  it('a working install: every line passes, in the order a person fixes things', async () => {
    const results = await evaluate(full(install(ca.certPem)));
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['api-server', 'pass'],
      ['kubernetes-version', 'pass'],
      ['crd/mcpserverentries', 'pass'],
      ['crd/virtualmcpservers', 'pass'],
      ['deployment', 'pass'],
      ['serving-certificate', 'pass'],
      ['configuration/ValidatingWebhookConfiguration', 'pass'],
      ['configuration/MutatingWebhookConfiguration', 'pass'],
      ['admission-probe', 'pass'],
      ['injection-probe', 'pass'],
      ['secret-guard-probe', 'skip'],
      ['webhook-rbac', 'pass'],
      ['toolhive-operator', 'pass'],
    ]);
  });

  it('a caBundle of another CA fails both configurations, verified against the stored certificate', async () => {
    const stranger = await createCa({ commonName: 'webhook CA', validForMs: DAY });
    const results = await evaluate(full(install(stranger.certPem)));
    const failed = results.filter((r) => r.status === 'fail').map((r) => r.id);
    expect(failed).toEqual(['configuration/ValidatingWebhookConfiguration', 'configuration/MutatingWebhookConfiguration']);
    expect(results.find((r) => r.id === 'configuration/MutatingWebhookConfiguration')!.detail).toContain(
      'caBundle does not trust the serving certificate',
    );
  });

  it('an unreachable API server: that line, and one saying nothing else was checked', async () => {
    const results = await evaluate({
      mode: 'full',
      target,
      now,
      api: { ...api, reach: { problem: { cause: 'refused', message: 'connection refused' } } },
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['api-server', 'fail'],
      ['not-run', 'skip'],
    ]);
    expect(results[1]!.detail).toBe('not checked: every other check needs the API server');
  });

  it('--pre: the prerequisites only', async () => {
    const results = await evaluate({ mode: 'pre', target, now, api, cluster: { crds, installPermissions: { error: 'HTTP 401' } } });
    expect(results.map((r) => r.id)).toEqual([
      'api-server',
      'kubernetes-version',
      'crd/mcpserverentries',
      'crd/virtualmcpservers',
      'install-permissions',
    ]);
  });

  it("--pre --overlay cert-manager: cert-manager's CRDs after the permissions", async () => {
    const certManagerCrds: CrdFacts[] = ['certificates', 'issuers'].map((plural) => ({
      plural,
      group: 'cert-manager.io',
      read: { status: 'missing' },
    }));
    const results = await evaluate({
      mode: 'pre',
      target,
      now,
      api,
      cluster: { crds, installPermissions: { error: 'HTTP 401' }, certManagerCrds },
    });
    expect(results.map((r) => [r.id, r.status]).slice(-2)).toEqual([
      ['install-permissions', 'fail'],
      ['cert-manager', 'fail'],
    ]);
  });

  it('a probe that could not run is shown as not run, saying why', async () => {
    const results = await evaluate(
      full({ ...install(ca.certPem), probe: { skipped: 'the CRD serves no version the webhook is registered for' } }),
    );
    expect(results.find((r) => r.id === 'admission-probe')).toMatchObject({
      status: 'skip',
      detail: 'not run: the CRD serves no version the webhook is registered for',
    });
  });

  it('without a readable serving certificate the configurations say their caBundle was not verified', async () => {
    const results = await evaluate(full({ ...install(ca.certPem), tlsSecret: { status: 'missing' } }));
    expect(results.find((r) => r.id === 'serving-certificate')!.status).toBe('fail');
    expect(results.find((r) => r.id === 'configuration/MutatingWebhookConfiguration')).toMatchObject({
      status: 'warn',
      detail: `webhook ${MUTATING_WEBHOOK_NAME}: caBundle not verified (no serving certificate was read)`,
    });
  });
});
