import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admissionReview, entryObject } from '../test/unit/webhook/admissionReviews.js';
import { secretWith, startFakeApiServer, type FakeApiServer } from '../test/unit/webhook/fakeApiServer.js';
import { send } from '../test/unit/webhook/httpsClient.js';
import { captureLogs } from '../test/unit/webhook/logCapture.js';
import { loopbackTls, type LoopbackTls } from '../test/unit/webhook/loopbackTls.js';
import type { WebhookConfig } from '../webhook/app/config.js';
import { launchWebhook } from '../webhook/app/launcher.js';
import { webhookCommand } from './webhook.js';
import { webhookConfigFrom } from './webhook/config.js';
import type { WebhookFlags } from './webhook/flags.js';
import { runValidate } from './validate.js';

const ROOT = new URL('..', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/cli/main.js');

describe('webhook CLI', () => {
  let api: FakeApiServer;
  let tls: LoopbackTls;
  let dir: string;
  let kubeconfig: string;

  beforeAll(async () => {
    api = await startFakeApiServer();
    api.setNamespace('team-a', {});
    api.setSecret('team-a', 'github-token', secretWith({ token: 'ghp_good' }));
    tls = await loopbackTls();
    dir = await mkdtemp(join(tmpdir(), 'mhf-webhook-cli-'));
    kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeConfig.exportConfig());
  });
  afterAll(async () => {
    await api?.close();
    await tls?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const flags = (): string[] => [
    '--listen',
    '127.0.0.1:0',
    // Never the default 0.0.0.0:8080 here: tests run side by side on one machine.
    '--metrics-listen',
    '127.0.0.1:0',
    '--tls-cert-file',
    tls.certFile,
    '--tls-key-file',
    tls.keyFile,
    '--kubeconfig',
    kubeconfig,
  ];

  /** The flags as commander parses them for `webhook`, then the typed config the launcher takes. */
  const configFor = (args: string[]): WebhookConfig => {
    const command = webhookCommand();
    command.parseOptions(args);
    return webhookConfigFrom(command.opts<WebhookFlags>(), {});
  };

  it('parses the flags into one typed config, every part named', () => {
    const config = configFor([...flags(), '--mode', 'warn', '--drift-check=false', '--scan-rate', '0.5']);
    expect(config).toMatchObject({
      server: { listen: { host: '127.0.0.1', port: 0 }, tls: { certFile: tls.certFile, keyFile: tls.keyFile }, tlsReloadIntervalMs: 2_000 },
      metrics: { listen: { host: '127.0.0.1', port: 0 } },
      kubeconfig,
      mode: 'warn',
      secretLookupTimeoutMs: 2_000,
      validate: { authorizeSecretRefs: true, missingSecret: 'deny', requireHostBinding: false, accessReviewCacheTtlMs: 10_000 },
      backgroundScan: { intervalMs: 300_000, secretGetsPerSecond: 0.5 },
      drift: false,
      leaderElection: { namespace: 'mcp-header-forward', name: 'mcp-header-forward-drift' },
    });
    expect(config.server.clientAuth).toBeUndefined();
  });

  it('takes no Lease when no loop needs a leader, and refuses flags that do not fit together', () => {
    expect(configFor([...flags(), '--drift-check=false', '--background-scan=false']).leaderElection).toBe(false);
    expect(configFor([...flags(), '--leader-election=false']).leaderElection).toBe(false);
    expect(() => configFor([...flags(), '--remediate-dry-run'])).toThrow('--remediate-dry-run needs --remediate=evict');
    expect(() => configFor([...flags(), '--client-name', 'kube-apiserver'])).toThrow('--client-name needs --client-ca-file');
    expect(() => configFor([...flags(), '--listen', '0.0.0.0:9000', '--metrics-listen', '127.0.0.1:9000'])).toThrow(
      '--listen and --metrics-listen are both port 9000',
    );
    expect(() => configFor([...flags(), '--sidecar-proxy-port', '15090'])).toThrow(
      '--sidecar-proxy-port and --sidecar-admin-port are both 15090',
    );
  });

  it('launches the endpoints and loops from the config: one listening line, /validate answers, /readyz turns ready', async () => {
    const logs = captureLogs('info');
    const running = await launchWebhook(configFor([...flags(), '--leader-election=false']), logs.logger);
    try {
      const validate = await send(`${running.url}/validate`, JSON.stringify(admissionReview({ object: entryObject() })), {
        ca: tls.ca.certPem,
      });
      expect(validate.json()).toMatchObject({ response: { allowed: true } });
      const listening = logs.lines.filter((l) => l.includes('webhook listening on https://127.0.0.1:'));
      expect(listening).toHaveLength(1);
      expect(JSON.parse(listening[0]!)).toMatchObject({
        routes: ['/validate', '/mutate', '/validate-secrets'],
        loops: ['background scan', 'drift check'],
      });
      await expect.poll(async () => (await send(`${running.url}/readyz`, undefined, { ca: tls.ca.certPem })).status).toBe(200);
      expect(JSON.parse(listening[0]!).metricsUrl).toBe(running.metricsUrl);
      const scraped = await (await fetch(`${running.metricsUrl}/metrics`)).text();
      expect(scraped).toMatch(
        /mcp_header_forward_admission_reviews_total\{route="validate",operation="CREATE",outcome="allowed",mode="enforce"\} 1/,
      );
    } finally {
      await running.stop();
    }
  });

  it('validate --kubeconfig reads Secrets from the cluster by name', async () => {
    let stdout = '';
    const code = await runValidate(
      { filename: [join(ROOT, 'examples/good-entry.yaml')], kubeconfig, output: 'json', secretLookupTimeout: 2_000 },
      { stdout: (t) => (stdout += t), stderr: () => undefined, readStdin: async () => '' },
    );
    expect(code).toBe(1); // the stand-in has github-token with key `token`, the example wants `authorization`
    expect(JSON.parse(stdout)[0].violations).toEqual([
      {
        reason: 'HeaderSecretKeyNotFound',
        field: 'spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key',
        message: 'key "authorization" not found in Secret "github-token"',
      },
    ]);
    expect(api.requests).toContain('GET /api/v1/namespaces/team-a/secrets/github-token');
  });

  describe('built dist: node dist/cli/main.js webhook', () => {
    const start = (args: string[]): ChildProcess =>
      spawn(process.execPath, [MAIN, 'webhook', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const finish = async (child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> => {
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, stdout, stderr };
    };

    it('logs one listening line, serves /validate, and exits 0 on SIGTERM', async () => {
      const child = start([...flags(), '--log-level', 'info', '--secret-lookup-timeout', '5000']);
      const done = finish(child);
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
      await expect.poll(() => output, { timeout: 30_000, interval: 100 }).toMatch(/webhook listening on https:\/\/127\.0\.0\.1:\d+/);
      const url = /webhook listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
      const res = await send(`${url}/validate`, JSON.stringify(admissionReview({ object: entryObject() })), { ca: tls.ca.certPem });
      expect(res.json()).toMatchObject({ response: { allowed: true } });
      child.kill('SIGTERM');
      const { code } = await done;
      expect(code).toBe(0);
    }, 60_000);

    it.each([
      [['--mode', 'block'], /--mode <mode>' argument 'block' is invalid. Allowed choices are enforce, warn, audit/],
      [['--listen', 'nowhere'], /--listen must be HOST:PORT/],
      [['--secret-lookup-timeout', '0'], /--secret-lookup-timeout must be a whole number of milliseconds/],
    ])(
      'exits 2 on bad flags %j',
      async (extra, message) => {
        const { code, stderr } = await finish(start([...flags(), ...extra]));
        expect(code).toBe(2);
        expect(stderr).toMatch(message);
      },
      60_000,
    );

    it('exits 2 naming the flag and file when the cert cannot be read', async () => {
      const { code, stderr } = await finish(
        start(['--tls-cert-file', join(dir, 'nope.crt'), '--tls-key-file', tls.keyFile, '--kubeconfig', kubeconfig]),
      );
      expect(code).toBe(2);
      expect(stderr).toMatch(/mcp-header-forward webhook: cannot read --tls-cert-file .*nope\.crt: ENOENT/);
    }, 60_000);

    it('exits 2 with the message also when the API server is unreachable and the Lease loop is waiting to retry', async () => {
      // Nothing keeps the event loop alive but the election's (unref'd) retry wait: shutdown must not sit on it.
      const unreachable = join(dir, 'unreachable.kubeconfig');
      await writeFile(
        unreachable,
        'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n',
      );
      const { code, stderr } = await finish(
        start([
          '--listen',
          '127.0.0.1:0',
          '--tls-cert-file',
          join(dir, 'nope.crt'),
          '--tls-key-file',
          tls.keyFile,
          '--kubeconfig',
          unreachable,
        ]),
      );
      expect(stderr).toMatch(/mcp-header-forward webhook: cannot read --tls-cert-file .*nope\.crt: ENOENT/);
      expect(code).toBe(2);
    }, 60_000);

    it('exits 2 when the tls flags are missing', async () => {
      const { code, stderr } = await finish(start(['--kubeconfig', kubeconfig]));
      expect(code).toBe(2);
      expect(stderr).toMatch(/required option '--tls-cert-file <path>' not specified/);
    }, 60_000);
  });
});
