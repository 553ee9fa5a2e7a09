import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { checkCommand, runCheck, type CheckOptions } from './check.js';
import { DEFAULT_TARGET } from './check/target.js';
import type { GatheredFacts } from './check/types.js';

// The command around the evaluators: flag defaults name the shipped install, exit codes follow the results.

const base = (file: string): unknown[] =>
  parseAllDocuments(readFileSync(new URL(`../manifests/base/${file}`, import.meta.url), 'utf8')).map((d) => d.toJS() as unknown);

describe('check flag defaults', () => {
  it('name what manifests/base installs', () => {
    const kustomization = parse(readFileSync(new URL('../manifests/base/kustomization.yaml', import.meta.url), 'utf8')) as {
      namespace: string;
    };
    const deployment = base('deployment.yaml')[0] as {
      metadata: { name: string };
      spec: { template: { spec: { serviceAccountName: string; volumes: { name: string; secret?: { secretName: string } }[] } } };
    };
    const service = base('service.yaml')[0] as { metadata: { name: string } };
    const configurations = base('webhook-configurations.yaml') as { metadata: { name: string } }[];
    expect(DEFAULT_TARGET.namespace).toBe(kustomization.namespace);
    expect(DEFAULT_TARGET.deployment).toBe(deployment.metadata.name);
    expect(DEFAULT_TARGET.service).toBe(service.metadata.name);
    expect(DEFAULT_TARGET.tlsSecret).toBe(deployment.spec.template.spec.volumes.find((v) => v.name === 'tls')!.secret!.secretName);
    expect(configurations.map((c) => c.metadata.name)).toEqual([DEFAULT_TARGET.configuration, DEFAULT_TARGET.configuration]);
    // Without a Deployment to read, the RBAC check asks for the ServiceAccount named like it.
    expect(deployment.spec.template.spec.serviceAccountName).toBe(DEFAULT_TARGET.deployment);
  });

  it("are the command's defaults", () => {
    const command = checkCommand();
    const defaults = Object.fromEntries(command.options.map((o) => [o.attributeName(), o.defaultValue as unknown]));
    expect(defaults).toMatchObject({
      namespace: DEFAULT_TARGET.namespace,
      deployment: DEFAULT_TARGET.deployment,
      service: DEFAULT_TARGET.service,
      tlsSecret: DEFAULT_TARGET.tlsSecret,
      webhookConfiguration: DEFAULT_TARGET.configuration,
      probeNamespace: 'default',
      certWarningDays: 30,
      output: 'text',
      overlay: 'self-signed',
      requestTimeout: 10_000,
    });
  });
});

const options: CheckOptions = {
  output: 'json',
  namespace: DEFAULT_TARGET.namespace,
  deployment: DEFAULT_TARGET.deployment,
  service: DEFAULT_TARGET.service,
  tlsSecret: DEFAULT_TARGET.tlsSecret,
  webhookConfiguration: DEFAULT_TARGET.configuration,
  probeNamespace: 'default',
  certWarningDays: 30,
  overlay: 'self-signed',
  requestTimeout: 1000,
};

async function run(facts: Omit<GatheredFacts, 'target' | 'now'> | Error): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCheck(options, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    now: () => new Date(),
    gather: async (_options, target) => {
      if (facts instanceof Error) throw facts;
      return { ...facts, target, now: new Date() };
    },
  });
  return { code, stdout, stderr };
}

const api = { server: 'https://127.0.0.1:6443', context: undefined };
const crd = { plural: 'mcpserverentries', group: 'toolhive.stacklok.dev', read: { status: 'missing' as const } };

describe('runCheck', () => {
  it('exit 0 when nothing failed, warnings allowed', async () => {
    const warnOnly = { mode: 'pre' as const, api: { ...api, reach: { version: 'v1.28.1' } }, cluster: { crds: [] } };
    const result = await run(warnOnly);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, summary: { passed: 1, warnings: 1, failed: 0 } });
  });

  it('exit 1 when a check failed', async () => {
    const result = await run({ mode: 'pre', api: { ...api, reach: { version: 'v1.36.3' } }, cluster: { crds: [crd] } });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, summary: { failed: 1 } });
  });

  it('exit 1, saying so, when reading the cluster broke off', async () => {
    const result = await run(new Error('boom'));
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'check: could not finish reading the cluster: boom\n' });
  });
});
