import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

// Where the static checkers live: $PATH, or the cache dir .ci/install-lint-tools.sh fills (no root needed there).
export const LINT_TOOLS_DIR = join(homedir(), '.cache', 'mcp-header-forward', 'tools', 'bin');

export function findTool(name: 'hadolint' | 'shellcheck'): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), LINT_TOOLS_DIR];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(`${name} not found on PATH or in ${LINT_TOOLS_DIR}: run .ci/install-lint-tools.sh (or make lint-tools)`);
}
