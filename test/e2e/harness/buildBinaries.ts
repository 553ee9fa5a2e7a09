#!/usr/bin/env node
import { resolveBinaries } from './binaries.js';

// `node dist/test/e2e/harness/buildBinaries.js`: resolve (and on the first run build) the control-plane binaries,
// e.g. to warm a CI cache or to time a cold build. Prints where each binary came from.
const started = Date.now();
resolveBinaries({ log: (line) => process.stderr.write(`${line}\n`) }).then(
  (resolved) => {
    for (const [name, path] of Object.entries(resolved.paths))
      process.stdout.write(`${name}\t${resolved.sources[name as keyof typeof resolved.sources]}\t${path}\n`);
    process.stdout.write(
      `kubernetes ${resolved.versions.kubernetes}, etcd ${resolved.versions.etcd}, ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
    );
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
