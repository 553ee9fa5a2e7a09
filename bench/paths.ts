import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Works from source (bench/) and from the build (dist/bench/).
const here = dirname(fileURLToPath(import.meta.url));
const up = resolve(here, '..');

export const PROJECT_ROOT = here.endsWith(join('dist', 'bench')) ? resolve(up, '..') : up;
export const BENCH_DIR = join(PROJECT_ROOT, 'bench');
export const LOADGEN_SOURCE_DIR = join(BENCH_DIR, 'loadgen');
export const RESULTS_FILE = join(BENCH_DIR, 'results', 'latest.json');
/** Where `make bench` writes its table (between the bench markers; nothing else in the file changes). */
export const BENCH_DOC_FILE = join(PROJECT_ROOT, 'docs', 'benchmarks.md');
export const CLI_ENTRY = join(PROJECT_ROOT, 'dist', 'cli', 'main.js');
/** Built binaries are cached across runs, keyed by a hash of their sources. */
export const BIN_CACHE_DIR = join(homedir(), '.cache', 'mcp-header-forward', 'bin');
