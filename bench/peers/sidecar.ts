import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { secretEnvVarName, ROUTES_ENV_VAR } from '../../contract/envNames.js';
import { CA_CERT_FILE, SIDECAR_GLIBC_TUNABLES, SIDECAR_NODE_OPTIONS } from '../../contract/sidecar.js';
import { serializeRouteConfig, type RouteConfig } from '../../contract/routes.js';
import { PROXY_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, waitForPort } from '../lib/processes.js';
import { CLI_ENTRY } from '../paths.js';
import type { PeerContext, RunningPeer } from './peer.js';

// Our sidecar, started the way the injector configures it: routes JSON plus one secret env var per header.

const ENTRY = 'bench-upstream';

/** The env the injector would give the sidecar for two entries: the http and the https upstream. */
export function sidecarEnv(
  ctx: Pick<PeerContext, 'upstreamHttpPort' | 'upstreamHttpsPort' | 'upstreamCaFile' | 'header'>,
): Record<string, string> {
  const httpEntry = `${ENTRY}-http`;
  const httpsEntry = `${ENTRY}-https`;
  const config: RouteConfig = {
    version: 1,
    routes: [
      {
        entry: `bench/${httpEntry}`,
        remoteUrl: `http://127.0.0.1:${ctx.upstreamHttpPort}/`,
        plaintextHeaders: {},
        secretHeaders: { [ctx.header.name]: secretEnvVarName(httpEntry, ctx.header.name) },
      },
      {
        entry: `bench/${httpsEntry}`,
        remoteUrl: `https://127.0.0.1:${ctx.upstreamHttpsPort}/`,
        plaintextHeaders: {},
        secretHeaders: { [ctx.header.name]: secretEnvVarName(httpsEntry, ctx.header.name) },
        caBundleFile: ctx.upstreamCaFile,
      },
    ],
  };
  return {
    [ROUTES_ENV_VAR]: serializeRouteConfig(config),
    [secretEnvVarName(httpEntry, ctx.header.name)]: ctx.header.value,
    [secretEnvVarName(httpsEntry, ctx.header.name)]: ctx.header.value,
  };
}

export interface SidecarStartOptions {
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=...` for the profiling rerun. */
  nodeFlags?: string[];
  name?: string;
  /** The CLI to run (default: this build's); the probe compares builds with it. */
  entry?: string;
  /** The node binary to run it with (default: the one running the bench); the probe compares runtimes with it. */
  node?: string;
  /** NODE_OPTIONS (default: the injector's, SIDECAR_NODE_OPTIONS, so the bench runs the sidecar as a pod does). */
  nodeOptions?: string;
  /** GLIBC_TUNABLES (default: the injector's, SIDECAR_GLIBC_TUNABLES); '' for glibc's defaults. */
  glibcTunables?: string;
}

export async function startOurSidecar(ctx: PeerContext, options: SidecarStartOptions = {}): Promise<RunningPeer> {
  const name = options.name ?? 'sidecar';
  const dir = join(ctx.dir, name);
  const caDir = join(dir, 'ca');
  await mkdir(caDir, { recursive: true });
  const [proxyPort, adminPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const args = [
    ...(options.nodeFlags ?? []),
    options.entry ?? CLI_ENTRY,
    'sidecar',
    '--proxy-listen',
    `127.0.0.1:${proxyPort}`,
    '--admin-listen',
    `127.0.0.1:${adminPort}`,
    '--ca-dir',
    caDir,
    '--log-level',
    'warn',
    '--shutdown-grace',
    '1000',
  ];
  const env = {
    ...process.env,
    ...sidecarEnv(ctx),
    NODE_ENV: 'production',
    NODE_OPTIONS: options.nodeOptions ?? SIDECAR_NODE_OPTIONS,
    GLIBC_TUNABLES: options.glibcTunables ?? SIDECAR_GLIBC_TUNABLES,
  };
  const managed = await startPinned(name, dir, PROXY_CPU, options.node ?? process.execPath, args, env);
  await waitForPort(managed, proxyPort, 20_000);
  const route = { proxy: `http://127.0.0.1:${proxyPort}` };
  return { name: 'sidecar', process: managed, http: route, https: { ...route, caFile: join(caDir, CA_CERT_FILE) } };
}
