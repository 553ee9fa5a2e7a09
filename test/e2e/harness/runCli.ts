import { execFile } from 'node:child_process';
import { CLI_ENTRY } from './paths.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`dist/cli/main.js`) against the test cluster, as a user would, and never throws. */
export function runCli(kubeconfigPath: string, command: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_ENTRY, command, '--kubeconfig', kubeconfigPath, ...args], (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}
