import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { AdmissionregistrationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { splitPemCertificates } from '../../certs/serving.js';
import { applyServingCerts } from '../../cli/certs/apply.js';
import { mutatingWebhookConfiguration, validatingWebhookConfiguration } from '../../webhook/registrations/webhookConfigurations.js';
import { connect, type Cluster } from './harness/cluster.js';

// `certs --apply` (the self-signed overlay's Job) against the real API server: issue, keep, renew, and the
// caBundle order that lets the webhook reload without a trust gap. The webhook configurations used here
// select no namespace, so they never intercept the other e2e tests' requests.

const info = inject('controlPlane');
const run = Date.now().toString(36);
const NS = `certs-${run}`;
const CONFIG = `certs-e2e-${run}`;
const SECRET = 'mcp-header-forward-tls';
const SERVICE = 'mcp-header-forward';
let cluster: Cluster;

const pems = (bundle: string): string[] => splitPemCertificates(bundle).map((pem) => pem.trim());
const never = { matchLabels: { 'mcp-header-forward.dev/e2e': 'never-matches' } };

beforeAll(async () => {
  cluster = connect(info);
  await cluster.admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NS } } });
  const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  const options = { name: CONFIG, namespace: NS, endpoint: { url: 'https://127.0.0.1:9' }, failurePolicy: 'Ignore' as const };
  const validating = validatingWebhookConfiguration(options);
  const mutating = mutatingWebhookConfiguration(options);
  await admission.createValidatingWebhookConfiguration({
    body: { ...validating, webhooks: validating.webhooks.map((w) => ({ ...w, namespaceSelector: never })) },
  });
  await admission.createMutatingWebhookConfiguration({
    body: { ...mutating, webhooks: mutating.webhooks.map((w) => ({ ...w, namespaceSelector: never })) },
  });
  return async () => {
    await admission.deleteValidatingWebhookConfiguration({ name: CONFIG });
    await admission.deleteMutatingWebhookConfiguration({ name: CONFIG });
  };
});

async function state(): Promise<{ secret: Record<string, string>; resourceVersion: string; bundles: string[] }> {
  const secret = await cluster.admin.makeApiClient(CoreV1Api).readNamespacedSecret({ name: SECRET, namespace: NS });
  const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
  const configs = [
    await admission.readValidatingWebhookConfiguration({ name: CONFIG }),
    await admission.readMutatingWebhookConfiguration({ name: CONFIG }),
  ];
  const bundles = configs.flatMap((c) =>
    (c.webhooks ?? []).map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8')),
  );
  const decoded = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  return { secret: decoded, resourceVersion: secret.metadata!.resourceVersion!, bundles };
}

const options = (days: number, renewBeforeDays: number): Parameters<typeof applyServingCerts>[0] => ({
  service: SERVICE,
  namespace: NS,
  secretName: SECRET,
  days,
  renewBeforeDays,
  webhookConfiguration: CONFIG,
});
const quiet = (): Parameters<typeof applyServingCerts>[1] => ({ stderr: () => {}, now: () => new Date(), kubeConfig: cluster.admin });

describe('mcp-header-forward certs --apply', () => {
  it('first run (the CLI, as the Job runs it): creates the Secret and trusts its CA in every webhook', async () => {
    const stderr = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          'dist/cli/main.js',
          'certs',
          `--service=${SERVICE}`,
          `--namespace=${NS}`,
          `--secret-name=${SECRET}`,
          `--webhook-configuration=${CONFIG}`,
          '--apply',
          '--days=30',
          '--renew-before-days=7',
        ],
        { env: { ...process.env, KUBECONFIG: info.kubeconfigPath } },
        (error, _stdout, err) => (error ? reject(new Error(err || error.message)) : resolve(err)),
      ),
    );
    expect(stderr).toContain('issuing a new serving certificate: no serving certificate yet');
    const { secret, bundles } = await state();
    const cert = new X509Certificate(secret['tls.crt']!);
    expect(cert.checkIssued(new X509Certificate(secret['ca.crt']!))).toBe(true);
    expect(cert.checkHost(`${SERVICE}.${NS}.svc`)).toBe(`${SERVICE}.${NS}.svc`);
    expect(bundles.length).toBeGreaterThanOrEqual(2);
    expect(bundles.map(pems)).toEqual(bundles.map(() => [secret['ca.crt']!.trim()]));
  });

  it('second run: keeps a valid certificate and touches nothing', async () => {
    const before = await state();
    await applyServingCerts(options(30, 7), quiet());
    expect(await state()).toEqual(before);
  });

  it('renewal: new CA first in caBundle next to the old one, then the Secret signed by the new CA', async () => {
    const before = await state();
    // 30-day cert, renew when < 60 days left: due now.
    await applyServingCerts(options(365, 60), quiet());
    const after = await state();
    expect(after.resourceVersion).not.toBe(before.resourceVersion);
    expect(after.secret['ca.crt']).not.toBe(before.secret['ca.crt']);
    for (const bundle of after.bundles) {
      expect(pems(bundle)).toEqual([after.secret['ca.crt']!.trim(), before.secret['ca.crt']!.trim()]);
    }
    expect(new X509Certificate(after.secret['tls.crt']!).checkIssued(new X509Certificate(after.secret['ca.crt']!))).toBe(true);
  });

  it('restores caBundle when a GitOps sync wiped it, without renewing', async () => {
    const before = await state();
    const admission = cluster.admin.makeApiClient(AdmissionregistrationV1Api);
    const config = await admission.readValidatingWebhookConfiguration({ name: CONFIG });
    await admission.replaceValidatingWebhookConfiguration({
      name: CONFIG,
      body: { ...config, webhooks: config.webhooks!.map((w) => ({ ...w, clientConfig: { ...w.clientConfig, caBundle: undefined } })) },
    });
    await applyServingCerts(options(365, 60), quiet());
    const after = await state();
    expect(after.resourceVersion).toBe(before.resourceVersion);
    expect(pems(after.bundles[0]!)[0]).toBe(before.secret['ca.crt']!.trim());
  });
});
