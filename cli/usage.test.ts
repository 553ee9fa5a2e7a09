import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_ENTRY, PROJECT_ROOT } from '../test/e2e/harness/paths.js';

// The built CLI, as a user runs it: every usage error exits 2 and names what is wrong.
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI_ENTRY, ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('usage errors (built dist)', () => {
  it.each([
    [['bogus'], "unknown command 'bogus'"],
    [['certs'], "required option '--service <name>' not specified"],
    [['webhook', '--tls-cert-fle', 'x'], "unknown option '--tls-cert-fle'\n(Did you mean --tls-cert-file?)"],
    [['webhook', '--kubeconfig', 'x'], "required option '--tls-cert-file <path>' not specified"],
    [['inject', '--bogus'], "unknown option '--bogus'"],
    [['report', '--output', 'xml'], "argument 'xml' is invalid"],
    [['version', '--output', 'xml'], "argument 'xml' is invalid"],
    [['check', '--output', 'xml'], "argument 'xml' is invalid"],
    [['check', '--overlay', 'cert-manager'], '--overlay only applies with --pre'],
    [['check', '--namespace', 'Not_A_Name'], '--namespace must be a Kubernetes object name'],
    [['check', '--request-timeout', '5s'], '--request-timeout must be a whole number of milliseconds'],
  ])('%j exits 2: %s', async (args, message) => {
    const result = await run(args);
    expect(result.stderr).toContain(message);
    expect(result.code).toBe(2);
  });

  it('help and version exit 0', async () => {
    expect((await run(['--help'])).code).toBe(0);
    expect((await run(['webhook', '--help'])).stdout).toContain('--tls-cert-file <path>');
    const version = await run(['version', '-o', 'json']);
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout)).toMatchObject({
      testedToolhive: 'v0.44.0',
      testedKubernetes: expect.stringMatching(/^v1\.\d+\.\d+$/),
    });
    const yaml = await run(['version', '-o', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(version.stdout));
  });
});
