import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import { readTlsFiles, type TlsFiles, type TlsMaterial } from './tlsFiles.js';

// Certs rotate under a running webhook (cert-manager, the certs Job); not reloading them breaks every admission
// once the old cert expires (Linkerd #5888). setSecureContext swaps the context for new handshakes only, so
// open keep-alive connections carry on. Polling (watchFile) sees Kubernetes' atomic symlink swaps of Secret volumes.

export interface CertReloaderOptions {
  files: TlsFiles;
  server: Pick<TlsServer, 'setSecureContext'>;
  logger: Logger;
  current: TlsMaterial;
  intervalMs: number;
  onLoaded?: (material: TlsMaterial) => void;
  /** The client CA the server authenticates the API server with (--client-ca-file), kept in every new context. */
  clientCaPem?: string;
}

export interface CertReloader {
  /** Re-read the files now; true when a new pair was installed. */
  reload(): Promise<boolean>;
  stop(): void;
}

export function startCertReloader(options: CertReloaderOptions): CertReloader {
  let current = options.current;
  let pending: Promise<boolean> = Promise.resolve(false);

  const reloadOnce = async (): Promise<boolean> => {
    let next: TlsMaterial;
    try {
      next = await readTlsFiles(options.files);
    } catch (error: unknown) {
      // Half-written rotation (cert before key) lands here; the next change event completes it.
      options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'keeping current TLS certificate');
      return false;
    }
    if (next.cert === current.cert && next.key === current.key) return false;
    // The client CA goes with every new context, or a rotation would silently stop authenticating the API server.
    options.server.setSecureContext({
      cert: next.cert,
      key: next.key,
      ...(options.clientCaPem !== undefined ? { ca: options.clientCaPem } : {}),
    });
    current = next;
    options.logger.info({ certFile: options.files.certFile, notAfter: next.notAfter.toISOString() }, 'reloaded TLS certificate');
    options.onLoaded?.(next);
    return true;
  };
  // Serialise reloads so two change events never race each other.
  const reload = (): Promise<boolean> => (pending = pending.then(reloadOnce, reloadOnce));

  const listener = (curr: Stats, prev: Stats): void => {
    if (curr.mtimeMs !== prev.mtimeMs || curr.size !== prev.size || curr.ino !== prev.ino) void reload();
  };
  const watched = [...new Set([options.files.certFile, options.files.keyFile])];
  for (const file of watched) watchFile(file, { interval: options.intervalMs, persistent: false }, listener);

  return {
    reload,
    stop() {
      for (const file of watched) unwatchFile(file, listener);
    },
  };
}
