import { spawn } from 'node:child_process';

// A Go module the tests take files from (CRDs), pinned by a go.mod under test/e2e/gobuild: `go mod download`
// fetches it once into the Go module cache, checked against that go.sum, and says where it is.

/** The version `goMod` (the text of a go.mod) requires of `module`, a vMAJOR.MINOR.PATCH release. */
export function requiredVersion(goMod: string, module: string): string | undefined {
  const match = new RegExp(`^\\s*(?:require\\s+)?${module.replaceAll('.', '\\.')}\\s+(v\\d+\\.\\d+\\.\\d+\\S*)`, 'm').exec(goMod);
  return match?.[1];
}

interface GoModDownload {
  Version?: string;
  Dir?: string;
  Error?: string;
}

export interface GoModuleRequest {
  module: string;
  /** The directory whose go.mod pins the version. */
  gobuildDir: string;
  /** The error to show when `go` is not on PATH: what to install or set instead. */
  missingGo: string;
  env?: NodeJS.ProcessEnv;
}

/** `go mod download -json` of the pinned module: its read-only directory in the Go module cache. */
export function goModuleDir(request: GoModuleRequest): Promise<{ dir: string; version: string }> {
  const { module, gobuildDir } = request;
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', ['mod', 'download', '-json', module], {
      cwd: gobuildDir,
      env: request.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(request.missingGo) : error));
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
