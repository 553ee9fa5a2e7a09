import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isProcessAlive } from './harness/liveness.js';
import { PROJECT_ROOT } from './harness/paths.js';

const DEMO = join(PROJECT_ROOT, 'dist', 'test', 'e2e', 'harness', 'demo.js');

describe('make demo', () => {
  it('narrates the rejection and the admission, waits for Ctrl-C, then leaves no process behind', async () => {
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
    expect(output).toMatch(/denied the request: MCPServerEntry demo\/github has 1 problem:\n\s+- spec\.headerForward\.addHeadersFromSecret\[0\]\.valueSecretRef\.name: Secret "github-token" not found/);
    expect(output).toContain('mcpserverentry.toolhive.stacklok.dev/github created');
    expect(output).toMatch(/export KUBECONFIG=\S+admin\.kubeconfig/);
    const pids = [...output.matchAll(/(?:etcd|kube-apiserver|kube-controller-manager)=(\d+)/g)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(3);
    expect(pids.every(isProcessAlive)).toBe(true);

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Done. Nothing left running.');
    expect(pids.filter(isProcessAlive)).toEqual([]);
  });
});
