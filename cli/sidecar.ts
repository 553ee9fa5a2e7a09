import { Command, Option } from 'commander';
import {
  CA_DIR,
  DEFAULT_ADMIN_LISTEN,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_INTERCEPTED,
  DEFAULT_PROXY_LISTEN,
} from '../contract/sidecar.js';
import { LOG_LEVELS, type LogLevel } from '../contract/logLevels.js';
import { requireLoopback, type ListenAddress } from '../sidecar/listen.js';
import type { Sidecar } from '../sidecar/server.js';
import { EXIT_FAILED } from './exitCodes.js';
import { stopOnSignal } from './signals.js';
import { listenAddress, millis, wholeNumber } from './flags/parsers.js';

interface SidecarFlags {
  proxyListen: ListenAddress;
  adminListen: ListenAddress;
  caDir: string;
  caKeyDir?: string;
  shutdownGrace: number;
  logLevel: LogLevel;
  maxInterceptedConnections: number;
  maxConnections: number;
}

/** `mcp-header-forward sidecar`: the egress proxy, configured by the env vars the injector writes. */
export function sidecarCommand(): Command {
  return new Command('sidecar')
    .description(
      "Run the egress proxy: adds each MCPServerEntry's headers to requests under its remoteUrl (config from MCP_HEADER_FORWARD_ROUTES and TOOLHIVE_SECRET_* env vars)",
    )
    .addOption(
      new Option('--proxy-listen <host:port>', 'proxy address (HTTP_PROXY/HTTPS_PROXY of the vmcp container)')
        .default(listenAddress('--proxy-listen')(DEFAULT_PROXY_LISTEN), DEFAULT_PROXY_LISTEN)
        .argParser((v) => requireLoopback(listenAddress('--proxy-listen')(v), '--proxy-listen')),
    )
    .addOption(
      new Option('--admin-listen <host:port>', '/healthz, /readyz and /metrics')
        .default(listenAddress('--admin-listen')(DEFAULT_ADMIN_LISTEN), DEFAULT_ADMIN_LISTEN)
        .argParser(listenAddress('--admin-listen')),
    )
    .option('--ca-dir <dir>', 'where the per-pod CA certificate is written (ca.crt and <hash>.0)', CA_DIR)
    .option(
      '--ca-key-dir <dir>',
      'sidecar-only dir keeping the CA key and cert across restarts (reused if valid); default: a new CA each start, key in memory only',
    )
    .addOption(
      new Option('--shutdown-grace <ms>', 'on SIGTERM, how long in-flight requests may finish')
        .default(10_000)
        .argParser(millis('--shutdown-grace', 0, 600_000)),
    )
    .addOption(
      new Option('--max-intercepted-connections <n>', 'concurrent intercepted (TLS-terminated) tunnels; more are answered 503')
        .default(DEFAULT_MAX_INTERCEPTED)
        .argParser(wholeNumber('--max-intercepted-connections', 1, 1_000_000)),
    )
    .addOption(
      new Option('--max-connections <n>', 'concurrent client connections in all; more are dropped')
        .default(DEFAULT_MAX_CONNECTIONS)
        .argParser(wholeNumber('--max-connections', 1, 1_000_000)),
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).env('LOG_LEVEL').default('info'))
    .action(async (flags: SidecarFlags) => {
      // The proxy, its config and pino load only when it runs: `sidecar --help` stays cheap.
      const [{ loadSidecarConfig }, { createLogger }, { startSidecar }] = await Promise.all([
        import('../sidecar/config.js'),
        import('../contract/logging.js'),
        import('../sidecar/server.js'),
      ]);
      const log = createLogger({ name: 'mcp-header-forward-sidecar', level: flags.logLevel });
      const options = {
        proxyListen: flags.proxyListen,
        adminListen: flags.adminListen,
        caDir: flags.caDir,
        ...(flags.caKeyDir ? { caKeyDir: flags.caKeyDir } : {}),
        log,
        shutdownGraceMs: flags.shutdownGrace,
      };
      const limits = { intercepted: flags.maxInterceptedConnections, connections: flags.maxConnections };
      // async so that a config error rejects `started` instead of throwing past the handlers below.
      const started = (async (): Promise<Sidecar> => startSidecar({ ...options, config: loadSidecarConfig(process.env), limits }))();
      stopOnSignal(
        started.then((sidecar) => ({ stop: () => sidecar.close() })),
        () => log,
      );
      try {
        await started;
      } catch (error: unknown) {
        // One line naming the problem; never the value of a secret (config errors only name env vars).
        process.stderr.write(`mcp-header-forward sidecar: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(EXIT_FAILED);
      }
    });
}
