import { spawn } from 'node:child_process';
import type { ControlPlaneInfo } from './controlPlane.js';

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the harness's kubectl against the control plane (admin kubeconfig unless another is given). */
export function kubectl(
  info: Pick<ControlPlaneInfo, 'kubectlPath' | 'kubeconfigPath'>,
  args: readonly string[],
  options: { input?: string; kubeconfigPath?: string } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(info.kubectlPath, ['--kubeconfig', options.kubeconfigPath ?? info.kubeconfigPath, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
