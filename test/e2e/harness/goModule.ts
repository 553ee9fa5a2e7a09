import { spawn } from 'node:child_process';

// A pinned Go module's files, as `go mod download -json` leaves them in the module cache: how the e2e takes
// third-party YAML (ToolHive's CRDs, the PolicyReport CRD) from versions pinned in test/e2e/gobuild/*/go.mod,
// never from a path outside the clone or a URL.

interface GoModDownload {
  Version?: string;
  Dir?: string;
  Error?: string;
}

/**
 * Download `module` at the version `gobuildDir`'s go.mod requires; resolves to its read-only directory in the
 * module cache. `noGo` says what to do instead when `go` is missing.
 */
export function goModuleDir(
  module: string,
  gobuildDir: string,
  noGo: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ dir: string; version: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', ['mod', 'download', '-json', module], { cwd: gobuildDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(`\`go\` is not on PATH: ${module} comes from the Go module pinned in ${gobuildDir}/go.mod; ${noGo}`)
          : error,
      );
    });
    child.on('exit', (code) => {
      let parsed: GoModDownload = {};
      try {
        parsed = JSON.parse(stdout) as GoModDownload;
      } catch {
        // reported below with go's own output
      }
      if (code === 0 && parsed.Dir && parsed.Version) return resolvePromise({ dir: parsed.Dir, version: parsed.Version });
      reject(
        new Error(`go mod download ${module} in ${gobuildDir} failed (exit ${code}): ${parsed.Error ?? (stderr.trim() || stdout.trim())}`),
      );
    });
  });
}
