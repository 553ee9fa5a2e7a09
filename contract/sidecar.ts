// Facts the injector writes into the pod and the sidecar reads back: ports, paths, env names.
export const DEFAULT_PROXY_PORT = 15080;
export const DEFAULT_ADMIN_PORT = 15090;
export const DEFAULT_PROXY_LISTEN = `127.0.0.1:${DEFAULT_PROXY_PORT}`;
export const DEFAULT_ADMIN_LISTEN = `0.0.0.0:${DEFAULT_ADMIN_PORT}`;

/** emptyDir shared by sidecar (writes its CA here) and vmcp (trusts it through SSL_CERT_DIR). */
export const CA_DIR = '/var/run/mcp-header-forward/ca';
export const CA_VOLUME_NAME = 'mcp-header-forward-ca';
/**
 * emptyDir mounted ONLY into the sidecar (never vmcp: the gateway must not read the key): the CA's key and cert,
 * so a restarted sidecar keeps the CA vmcp loaded at its start (`--ca-key-dir`).
 */
export const CA_KEY_DIR = '/var/run/mcp-header-forward/ca-key';
export const CA_KEY_VOLUME_NAME = 'mcp-header-forward-ca-key';
/** Where entries' caBundleRef ConfigMaps are mounted in the sidecar, one sub-directory per ConfigMap. */
export const CA_BUNDLES_DIR = '/etc/mcp-header-forward/ca-bundles';
export const CA_CERT_FILE = 'ca.crt';
export const SYSTEM_CERT_DIR = '/etc/ssl/certs';

/**
 * Concurrent intercepted (TLS-terminated) tunnels and client connections in all, beyond which the sidecar refuses
 * rather than grow out of its memory limit. Measured on Node 24 before SIDECAR_NODE_OPTIONS: ~95 MB idle, +65 KB per
 * idle intercepted TLS tunnel (2,000 reached 224 MB; 256 stay near 112 MB). With them and SIDECAR_GLIBC_TUNABLES:
 * 77 MB idle, 115 MB with 1000 open SSE streams after load (docs/benchmarks.md), under the injected 192Mi limit.
 */
export const DEFAULT_MAX_INTERCEPTED = 256;
export const DEFAULT_MAX_CONNECTIONS = 1024;

/**
 * The sidecar container's NODE_OPTIONS (it replaces the image's, so the image's --enable-source-maps is repeated).
 * V8's young generation capped at 1 MB per semi-space and one GC helper thread: Node 24's default young generation
 * grows to tens of MB under load and holds that memory. Measured in docs/benchmarks.md ("The sidecar gets lean").
 * Only flags NODE_OPTIONS accepts (--optimize-for-size and --single-threaded-gc are refused there).
 */
export const NODE_OPTIONS_ENV_VAR = 'NODE_OPTIONS';
export const SIDECAR_NODE_OPTIONS = '--enable-source-maps --max-semi-space-size=1 --v8-pool-size=1';

/**
 * The sidecar container's glibc malloc settings (ignored by a musl image). One arena instead of one per thread, and
 * blocks from 16 KB up (OpenSSL's per-connection record buffers among them) mapped on their own, so a closed
 * connection's buffers go back to the system instead of staying as holes in the heap: 1000 SSE streams after
 * HTTP and HTTPS load peaked at 115–119 MB instead of 126–128 MB. The cost is an mmap/munmap pair per socket
 * read (Node allocates 64 KB per read): 1–11 µs more CPU per proxied request (about 3 %), in docs/benchmarks.md.
 */
export const GLIBC_TUNABLES_ENV_VAR = 'GLIBC_TUNABLES';
export const SIDECAR_GLIBC_TUNABLES = 'glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=16384:glibc.malloc.trim_threshold=65536';

export const HEALTHZ_PATH = '/healthz';
export const READYZ_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
