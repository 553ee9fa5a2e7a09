import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SECRET_VALUE } from './harness/demoSteps.js';
import { isProcessAlive } from './harness/liveness.js';
import { PROJECT_ROOT } from './harness/paths.js';

const DEMO = join(PROJECT_ROOT, 'dist', 'test', 'e2e', 'harness', 'demo.js');

describe('make demo', () => {
  it('narrates the rejection, the admission, the injection and a header arriving upstream, waits for Ctrl-C, then leaves no process behind', async () => {
    const demo = spawn(process.execPath, [DEMO], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const waiting = new Promise<void>((resolve) => {
      demo.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Press Ctrl-C')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => demo.on('exit', (code) => resolve(code)));
    await Promise.race([waiting, exited]);

    expect(output).toContain('Step 1/');
    expect(output).toMatch(
      /denied the request: MCPServerEntry demo\/github has 1 problem:\n\s+- spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "github-token" not found/,
    );
    expect(output).toContain('mcpserverentry.toolhive.stacklok.dev/github created');
    expect(output).toMatch(/=> pod demo\/gateway-demo mutated: sidecar header-forward-proxy injected, status [0-9a-f]{16}/);
    expect(output).toMatch(/header-forward-proxy {2}restartPolicy=Always/);
    expect(output).toMatch(/TOOLHIVE_SECRET_HEADER_FORWARD_AUTHORIZATION_GITHUB {2}\{"key":"token","name":"github-token"\}/);
    expect(output).toMatch(/^\s+HTTP_PROXY=http:\/\/127\.0\.0\.1:15080$/m);
    expect(output).toMatch(/^\s+SSL_CERT_DIR=\S+$/m);
    expect(output).toMatch(/^\s+mcp-header-forward\.dev\/status=[0-9a-f]{16}$/m);
    expect(output).toMatch(/Authorization: Bea… \(28 chars\) {2}\(the Secret's value, exactly once\)/);
    expect(output).toMatch(/X-Team: platform\n/);
    expect(output).toContain('=> header arrived upstream');
    expect(output).toMatch(/real gateway: /);
    expect(output).not.toContain(DEMO_SECRET_VALUE.slice(4));
    expect(output).toMatch(/export KUBECONFIG=\S+admin\.kubeconfig/);
    const pids = [...output.matchAll(/(?:etcd|kube-apiserver|kube-controller-manager)=(\d+)/g)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(3);
    pids.push(...[...output.matchAll(/\(pid (\d+), log /g)].map((match) => Number(match[1])));
    expect(pids).toHaveLength(4);
    expect(pids.every(isProcessAlive)).toBe(true);

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Done. Nothing left running.');
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
