import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME, VMCP_CONTAINER_NAME } from '../../../contract/labels.js';
import { CA_CERT_FILE, CA_DIR, READYZ_PATH } from '../../../contract/sidecar.js';
import { CLI_ENTRY } from '../harness/paths.js';
import { freeLoopbackPort } from '../harness/ports.js';
import { startProcess, type ManagedProcess } from '../harness/processes.js';
import { containerProcess, type ContainerProcess, type PodObjects } from './podRuntime.js';

// The injected pod's two containers as two local processes: the sidecar (our CLI, as the image's entrypoint
// runs it) and ToolHive's vmcp binary, each with exactly the env the pod spec gives it. The only changes,
// all forced by running outside a pod: mount paths become temp dirs, listeners bind loopback only
// (--admin-listen 0.0.0.0 -> 127.0.0.1, vmcp --host 0.0.0.0 -> 127.0.0.1, a free --port), and vmcp gets
// HOME (a temp dir) which a container image would provide.

export interface GatewayOptions {
  /** The pod after injection. */
  pod: V1Pod;
  objects: PodObjects;
  vmcpBinary: string;
  /** Scratch directory: volumes/, home/, *.log. */
  workDir: string;
  /** Changes to the vmcp container's env, for the checks that vary it (vMCP's own forwarding, a bypass). */
  vmcpEnv?: (env: Readonly<Record<string, string>>) => Record<string, string>;
  log?: (line: string) => void;
}

export interface GatewayStack {
  /** vMCP's MCP endpoint (streamable-http). */
  mcpUrl: URL;
  sidecar: { process: ManagedProcess; spec: ContainerProcess };
  vmcp: { process: ManagedProcess; spec: ContainerProcess };
  /** Both processes' output so far (for assertions and failure messages); a restarted sidecar appends to its log. */
  logs(): Promise<{ sidecar: string; vmcp: string }>;
  /**
   * The kubelet restarting the native sidecar: stop it, start it again with the same env and args (or `args`
   * changed), wait for /readyz. vmcp keeps running, with the roots it loaded at its start.
   */
  restartSidecar(args?: (args: readonly string[]) => string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Replace the value that follows `flag` (`--flag value` form); throws when the flag is absent. */
export function withFlagValue(args: readonly string[], flag: string, value: (old: string) => string): string[] {
  const index = args.indexOf(flag);
  if (index < 0 || index + 1 >= args.length) throw new Error(`expected ${flag} <value> in args ${JSON.stringify(args)}`);
  return args.map((a, i) => (i === index + 1 ? value(a) : a));
}

/** `0.0.0.0:P` / `[::]:P` -> `127.0.0.1:P`: nothing in the e2e listens beyond loopback. */
export function loopbackListen(address: string): string {
  return address.replace(/^(0\.0\.0\.0|\[::\]|):/, '127.0.0.1:');
}

/** Create the host directories of a container's volumes and write their files. */
export async function materialize(spec: ContainerProcess): Promise<void> {
  for (const volume of spec.volumes) {
    await mkdir(volume.hostDir, { recursive: true });
    for (const [file, content] of Object.entries(volume.files)) await writeFile(join(volume.hostDir, file), content);
  }
}

async function tail(path: string): Promise<string> {
  return (await readFile(path, 'utf8').catch(() => '')).slice(-3000);
}

/** Poll `url` until it answers 200; fail fast, with the log tail, when the process exits first. */
async function waitReady(url: string, process: ManagedProcess, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!process.isRunning())
      throw new Error(`${what} exited before it was ready; its log (${process.logFile}):\n${await tail(process.logFile)}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${what} not ready at ${url} within ${timeoutMs} ms; its log (${process.logFile}):\n${await tail(process.logFile)}`);
    await sleep(200);
  }
}

export async function startGateway(options: GatewayOptions): Promise<GatewayStack> {
  const log = options.log ?? ((): void => {});
  if (!existsSync(CLI_ENTRY))
    throw new Error(`${CLI_ENTRY} is missing: run \`make build\` first (the sidecar runs as the built CLI, like the image's entrypoint)`);
  const volumes = join(options.workDir, 'volumes');
  const home = join(options.workDir, 'home');
  await mkdir(home, { recursive: true });

  const sidecarSpec = containerProcess(options.pod, SIDECAR_CONTAINER_NAME, options.objects, volumes);
  const vmcpSpec = containerProcess(options.pod, VMCP_CONTAINER_NAME, options.objects, volumes);
  await materialize(sidecarSpec);
  await materialize(vmcpSpec);

  const sidecarArgs = withFlagValue(sidecarSpec.args, '--admin-listen', loopbackListen);
  const adminAddress = sidecarArgs[sidecarArgs.indexOf('--admin-listen') + 1]!;
  const launchSidecar = (args: readonly string[]): Promise<ManagedProcess> => {
    log(`sidecar: ${['mcp-header-forward', ...args].join(' ')}`);
    return startProcess({
      name: 'sidecar',
      command: process.execPath,
      args: [CLI_ENTRY, ...args],
      env: { ...sidecarSpec.env },
      logFile: join(options.workDir, 'sidecar.log'),
    });
  };
  const sidecarHandle = { process: await launchSidecar(sidecarArgs), spec: sidecarSpec };
  let vmcpProcess: ManagedProcess | undefined;
  const stop = async (): Promise<void> => {
    await vmcpProcess?.stop();
    await sidecarHandle.process.stop();
  };
  const sidecar = sidecarHandle.process;
  try {
    // The native sidecar's startupProbe: vmcp starts only once the proxy is up and its CA is written.
    await waitReady(`http://${adminAddress}${READYZ_PATH}`, sidecar, 'the sidecar', 20_000);
    const caFile = join(sidecarSpec.volumes.find((v) => v.mountPath === CA_DIR)?.hostDir ?? '', CA_CERT_FILE);
    if (!existsSync(caFile)) throw new Error(`the sidecar is ready but wrote no ${CA_CERT_FILE} into its --ca-dir (${caFile})`);

    const port = await freeLoopbackPort();
    const vmcpArgs = withFlagValue(
      withFlagValue(vmcpSpec.args, '--host', () => '127.0.0.1'),
      '--port',
      () => String(port),
    );
    const vmcpEnv = { ...(options.vmcpEnv ? options.vmcpEnv(vmcpSpec.env) : vmcpSpec.env), HOME: home };
    log(`vmcp: ${['vmcp', ...vmcpArgs].join(' ')}`);
    const vmcp = await startProcess({
      name: 'vmcp',
      command: options.vmcpBinary,
      args: vmcpArgs,
      env: vmcpEnv,
      logFile: join(options.workDir, 'vmcp.log'),
    });
    vmcpProcess = vmcp;
    await waitReady(`http://127.0.0.1:${port}/readyz`, vmcp, 'vmcp', 60_000);
    return {
      mcpUrl: new URL(`http://127.0.0.1:${port}/mcp`),
      sidecar: sidecarHandle,
      vmcp: { process: vmcp, spec: vmcpSpec },
      logs: async () => ({
        sidecar: await readFile(sidecarHandle.process.logFile, 'utf8').catch(() => ''),
        vmcp: await readFile(vmcp.logFile, 'utf8').catch(() => ''),
      }),
      restartSidecar: async (args) => {
        await sidecarHandle.process.stop();
        sidecarHandle.process = await launchSidecar(args ? args(sidecarArgs) : sidecarArgs);
        await waitReady(`http://${adminAddress}${READYZ_PATH}`, sidecarHandle.process, 'the restarted sidecar', 20_000);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
