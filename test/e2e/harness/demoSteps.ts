import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Cluster } from './cluster.js';
import type { ControlPlaneInfo } from './controlPlane.js';
import { entryManifest } from './entries.js';
import { kubectl, type KubectlResult } from './kubectl.js';
import type { RecordedRequest } from '../vmcp/upstream.js';
import type { WebhookProcess } from './webhookProcess.js';

/** What every demo step can use; later issues (injection, sidecar) add their steps against the same context. */
export interface DemoContext {
  cluster: Cluster;
  webhook: WebhookProcess;
  namespace: string;
  /** Where the step writes the YAML it applies, so a person can re-run the same commands. */
  filesDir: string;
  out: (text: string) => void;
  /** The local MCP server the demo entry points at; it records the headers of every request. */
  upstream: { remoteUrl: string; requests: readonly RecordedRequest[] };
  /** Register something a step started (a process, a server) to stop on Ctrl-C, before the control plane. */
  onCleanUp(stop: () => Promise<void>): void;
}

export interface DemoStep {
  title: string;
  /** What a person should look for, printed before the step runs. */
  explain: string;
  run(context: DemoContext): Promise<void>;
}

/** What narrating a kubectl command needs: any demo (this one, the real-node one) has it. */
export interface Narration {
  cluster: { info: Pick<ControlPlaneInfo, 'kubectlPath' | 'kubeconfigPath'> };
  filesDir: string;
  out: (text: string) => void;
}

/** Run kubectl as the demo's admin and narrate it: the command, then what it printed. */
export async function narrateKubectl(context: Narration, args: string[], input?: { file: string; yaml: string }): Promise<KubectlResult> {
  let fullArgs = args;
  if (input) {
    const path = join(context.filesDir, input.file);
    await writeFile(path, input.yaml);
    fullArgs = [...args, '-f', path];
  }
  context.out(`  $ kubectl ${fullArgs.map(shellQuote).join(' ')}\n`);
  const result = await kubectl(context.cluster.info, fullArgs);
  const printed = `${result.stdout}${result.stderr}`.trimEnd();
  if (printed) context.out(`${printed.replace(/^/gm, '    ')}\n`);
  return result;
}

/** Quote an argument the way a person would type it into a POSIX shell. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function expectExit(step: string, result: KubectlResult, wanted: 'success' | 'failure'): void {
  const succeeded = result.code === 0;
  if (succeeded !== (wanted === 'success')) {
    throw new Error(
      `demo step "${step}": kubectl was expected to ${wanted === 'success' ? 'succeed' : 'be rejected'} but exited ${result.code}`,
    );
  }
}

/** The demo Secret's value: shown masked at most, so the demo test can prove it is never printed. */
export const DEMO_SECRET_VALUE = 'Bearer demo-not-a-real-token';
export const DEMO_ENTRY_NAME = 'github';
export const DEMO_GROUP = 'tools';

function demoEntry(context: DemoContext) {
  const entry = entryManifest(DEMO_ENTRY_NAME, {
    addPlaintextHeaders: { 'X-Team': 'platform' },
    addHeadersFromSecret: [{ headerName: 'Authorization', valueSecretRef: { name: 'github-token', key: 'token' } }],
  });
  return { ...entry, spec: { ...entry.spec, remoteUrl: context.upstream.remoteUrl, groupRef: { name: DEMO_GROUP } } };
}

/** Issue 4: the validating webhook at apply time. */
export const validationSteps: DemoStep[] = [
  {
    title: 'An MCPServerEntry whose header value comes from a Secret that does not exist yet',
    explain:
      'The entry forwards an Authorization header from Secret "github-token" (and a plaintext X-Team header) to\n' +
      'its remoteUrl, a small MCP server this demo runs on this machine. The Secret is missing, so the\n' +
      'validating webhook rejects the entry at apply time, naming the field path and how to fix it.',
    async run(context) {
      const result = await narrateKubectl(context, ['apply', '-n', context.namespace], {
        file: 'entry.yaml',
        yaml: stringify(demoEntry(context)),
      });
      expectExit(this.title, result, 'failure');
    },
  },
  {
    title: 'Create the Secret',
    explain:
      'The value comes from a file, so it is not on the command line either. It is never printed, logged or\n' +
      'returned by the webhook: it only checks that the key exists and is a valid header value.',
    async run(context) {
      const valueFile = join(context.filesDir, 'github-token.value');
      await writeFile(valueFile, DEMO_SECRET_VALUE, { mode: 0o600 });
      const result = await narrateKubectl(context, [
        'create',
        'secret',
        'generic',
        'github-token',
        '-n',
        context.namespace,
        `--from-file=token=${valueFile}`,
      ]);
      expectExit(this.title, result, 'success');
    },
  },
  {
    title: 'Apply the same entry again',
    explain:
      "Same YAML, now admitted. The warning is about the demo's upstream: plain http on this machine; a real\n" +
      'remoteUrl would be https://.',
    async run(context) {
      const result = await narrateKubectl(context, ['apply', '-n', context.namespace, '-f', join(context.filesDir, 'entry.yaml')]);
      expectExit(this.title, result, 'success');
      await narrateKubectl(context, ['get', 'mcpserverentries', '-n', context.namespace]);
    },
  },
  {
    title: 'A header the gateway must never forward',
    explain: 'Host (in any case) is restricted: it controls routing. Rejected whatever the Secrets say.',
    async run(context) {
      const bad = entryManifest('spoofed-host', { addPlaintextHeaders: { host: 'internal.example.com' } });
      const result = await narrateKubectl(context, ['apply', '-n', context.namespace], { file: 'restricted.yaml', yaml: stringify(bad) });
      expectExit(this.title, result, 'failure');
    },
  },
];

/** Narrate kubectl and fail the demo (with the step's title) unless it exited as wanted. */
export async function narrateKubectlExpecting(
  context: Narration,
  step: string,
  wanted: 'success' | 'failure',
  args: string[],
  input?: { file: string; yaml: string },
): Promise<KubectlResult> {
  const result = await narrateKubectl(context, args, input);
  expectExit(step, result, wanted);
  return result;
}
