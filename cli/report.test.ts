// `report` against a stand-in API server on 127.0.0.1 (HTTPS, its own CA, verified): one MCPServerEntry
// forwarding one Secret, which has no allowed-hosts annotation. Real client, real sockets. --require-host-binding,
// and the output formats.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { createCa, issueLeaf } from '../certs/x509.js';
import { ALLOWED_HOSTS_ANNOTATION } from '../contract/labels.js';
import { reportCommand } from './report.js';

const ENTRY = {
  apiVersion: 'toolhive.stacklok.dev/v1beta1',
  kind: 'MCPServerEntry',
  metadata: { name: 'github', namespace: 'team-a', resourceVersion: '1' },
  spec: {
    remoteUrl: 'https://api.githubcopilot.com/mcp/',
    transport: 'streamable-http',
    groupRef: { name: 'engineering' },
    headerForward: {
      addHeadersFromSecret: [{ headerName: 'Authorization', valueSecretRef: { name: 'github-token', key: 'authorization' } }],
    },
  },
};

const SECRET = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'github-token', namespace: 'team-a', annotations: {} },
  data: { authorization: Buffer.from('Bearer x').toString('base64') },
};

describe('report', () => {
  let server: Server;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    const ca = await createCa({ commonName: 'report test API CA', validForMs: 3_600_000 });
    const leaf = await issueLeaf(ca, { commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], validForMs: 3_600_000 });
    server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://stand-in').pathname;
      const body =
        path === '/apis/toolhive.stacklok.dev/v1beta1/namespaces/team-a/mcpserverentries'
          ? { apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPServerEntryList', metadata: { resourceVersion: '1' }, items: [ENTRY] }
          : path === '/api/v1/namespaces/team-a/secrets/github-token'
            ? SECRET
            : undefined;
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, message: `not served: ${path}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [
        {
          name: 'c',
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          caData: Buffer.from(ca.certPem).toString('base64'),
          skipTLSVerify: false,
        },
      ],
      users: [{ name: 'u', token: 'test-token' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u', namespace: 'team-a' }],
      currentContext: 'c',
    });
    dir = await mkdtemp(join(tmpdir(), 'mhf-report-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, config.exportConfig());
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  async function report(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    process.exitCode = undefined;
    await reportCommand({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }).parseAsync(['--kubeconfig', kubeconfig, ...args], {
      from: 'user',
    });
    const code = Number(process.exitCode ?? 0);
    process.exitCode = undefined;
    return { code, stdout, stderr };
  }

  it('without the flag, an entry forwarding an unannotated Secret passes (exit 0)', async () => {
    const result = await report(['-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { items: { status: string }[] }).items.map((i) => i.status)).toEqual(['pass']);
  });

  it('with the flag, the same entry fails with SecretHostNotAllowed and the annotate fix (exit 1), as in admission', async () => {
    const result = await report(['--require-host-binding']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('[SecretHostNotAllowed] spec.headerForward.addHeadersFromSecret[0].valueSecretRef.name');
    expect(result.stdout).toContain(`kubectl annotate secret github-token -n team-a ${ALLOWED_HOSTS_ANNOTATION}=api.githubcopilot.com`);
  });

  it('-o yaml is the -o json document', async () => {
    const json = await report(['--require-host-binding', '-o', 'json']);
    const yaml = await report(['--require-host-binding', '-o', 'yaml']);
    expect(yaml.code).toBe(1);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
  });

  it('-o policyreport prints the PolicyReport the webhook would write, with the rule that failed and its reason', async () => {
    const result = await report(['--require-host-binding', '-o', 'policyreport']);
    expect(result.code).toBe(1);
    const documents = parseAllDocuments(result.stdout).map((d) => d.toJS() as Record<string, unknown>);
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'mcp-header-forward', namespace: 'team-a', labels: { 'app.kubernetes.io/managed-by': 'mcp-header-forward' } },
      summary: { pass: 5, fail: 1, warn: 0, error: 0, skip: 0 },
    });
    const failed = (documents[0]!['results'] as { rule: string; result: string; properties?: Record<string, string> }[]).filter(
      (r) => r.result !== 'pass',
    );
    expect(failed).toEqual([
      expect.objectContaining({
        rule: 'host-binding',
        result: 'fail',
        properties: { reason: 'SecretHostNotAllowed' },
        resources: [{ apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPServerEntry', namespace: 'team-a', name: 'github' }],
      }),
    ]);
  });

  it('-o policyreport with --pods is a usage error (exit 2): the webhook writes reports for entries only', async () => {
    const result = await report(['--pods', '-o', 'policyreport']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('-o policyreport prints the PolicyReports the webhook writes, which cover MCPServerEntries only');
  });
});
