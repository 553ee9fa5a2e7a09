import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { SIDECAR_CONTAINER_NAME } from '../../../contract/labels.js';
import { READYZ_PATH } from '../../../contract/sidecar.js';
import { loopbackListen, materialize, withFlagValue } from '../vmcp/gateway.js';
import { containerProcess } from '../vmcp/podRuntime.js';
import type { Cluster } from './cluster.js';
import { CLI_ENTRY } from './paths.js';
import { freeLoopbackPort } from './ports.js';
import { startProcess, type ManagedProcess } from './processes.js';

// The demo's stand-in for the kubelet: the stored pod's sidecar container as a local process, with its
// secretKeyRef env resolved from the Secrets the API server holds. Only the listen ports (free loopback
// ports instead of 15080/15090) and the volume paths (a temp dir) differ from what the pod spec says.

export interface LocalSidecar {
  process: ManagedProcess;
  /** http://127.0.0.1:<port>: what HTTP_PROXY would say. */
  proxyUrl: string;
  /** The CLI args it runs with (paths and ports as changed for the local run). */
  args: string[];
  /** The names of its env vars (never the values). */
  envNames: string[];
}

export async function startLocalSidecar(cluster: Cluster, pod: V1Pod, workDir: string): Promise<LocalSidecar> {
  const namespace = pod.metadata!.namespace!;
  const core = cluster.admin.makeApiClient(CoreV1Api);
  const [secrets, configMaps] = await Promise.all([core.listNamespacedSecret({ namespace }), core.listNamespacedConfigMap({ namespace })]);
  const spec = containerProcess(
    pod,
    SIDECAR_CONTAINER_NAME,
    { secrets: secrets.items, configMaps: configMaps.items },
    join(workDir, 'volumes'),
  );
  await materialize(spec);
  const proxyPort = await freeLoopbackPort();
  const adminPort = await freeLoopbackPort();
  const args = withFlagValue(
    withFlagValue(spec.args, '--proxy-listen', () => `127.0.0.1:${proxyPort}`),
    '--admin-listen',
    (old) => loopbackListen(old).replace(/:\d+$/, `:${adminPort}`),
  );
  const sidecar = await startProcess({
    name: 'sidecar',
    command: process.execPath,
    args: [CLI_ENTRY, ...args],
    env: { ...spec.env },
    logFile: join(workDir, 'sidecar.log'),
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!sidecar.isRunning()) throw new Error(`the sidecar exited before it was ready; see ${sidecar.logFile}`);
    const ready = await fetch(`http://127.0.0.1:${adminPort}${READYZ_PATH}`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await sidecar.stop();
      throw new Error(`the sidecar was not ready on 127.0.0.1:${adminPort}${READYZ_PATH} within 20 s; see ${sidecar.logFile}`);
    }
    await sleep(200);
  }
  return { process: sidecar, proxyUrl: `http://127.0.0.1:${proxyPort}`, args, envNames: Object.keys(spec.env).sort() };
}

/**
 * POST one MCP `initialize` to `target` through an HTTP forward proxy, the way an HTTP_PROXY-honouring
 * client (vMCP's Go http.Client) sends a plain-http request: absolute-form request line to the proxy.
 */
export function postThroughProxy(proxyUrl: string, target: string): Promise<number> {
  const proxy = new URL(proxyUrl);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'make-demo', version: '1.0.0' } },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: proxy.hostname,
        port: Number(proxy.port),
        method: 'POST',
        path: target,
        headers: { host: new URL(target).host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target} through ${proxyUrl} within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Enough of a secret value to recognise it, never the value: first 3 characters and the length. */
export function maskSecret(value: string): string {
  // Short values would be mostly given away by three characters.
  return `${value.length >= 12 ? value.slice(0, 3) : ''}… (${value.length} chars)`;
}
