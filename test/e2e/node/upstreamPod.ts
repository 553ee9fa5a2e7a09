import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startUpstream, type RecordedRequest } from '../vmcp/upstream.js';

// An upstream MCP server as a pod on the real node (the project mounted read-only, run on the node base image): the
// e2e's recording server, configured by env. Each request is one JSON log line the test reads through the API.
// The credential header's values are logged as a digest, never in clear (the suite greps every log for the Secret).

const env = process.env;
const required = env.REQUIRED_HEADER && env.REQUIRED_VALUE ? { name: env.REQUIRED_HEADER, value: env.REQUIRED_VALUE } : undefined;

/** What the test compares with: sha256 of a header value, first 16 hex characters. */
export function valueDigest(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function logLine(request: RecordedRequest): string {
  const sensitive = new Set(['authorization', ...(required ? [required.name.toLowerCase()] : [])]);
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, values]) => [
      name,
      sensitive.has(name) ? values.map((v) => `sha256:${valueDigest(v)}`) : values,
    ]),
  );
  return JSON.stringify({ upstream: env.LABEL, method: request.method, path: request.path, status: request.status, headers });
}

async function main(): Promise<void> {
  const tls =
    env.TLS_CERT_FILE && env.TLS_KEY_FILE
      ? { certPem: readFileSync(env.TLS_CERT_FILE, 'utf8'), keyPem: readFileSync(env.TLS_KEY_FILE, 'utf8') }
      : undefined;
  const upstream = await startUpstream({
    label: env.LABEL ?? 'upstream',
    address: '0.0.0.0',
    port: Number(env.PORT ?? '8080'),
    ...(tls ? { tls } : {}),
    ...(required ? { requiredHeader: required } : {}),
    onRequest: (request) => process.stdout.write(`${logLine(request)}\n`),
  });
  process.stdout.write(`${JSON.stringify({ upstream: env.LABEL, listening: upstream.port, tls: tls !== undefined })}\n`);
  process.once('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
}

if (process.argv[1]?.endsWith('upstreamPod.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`upstream pod failed: ${String(error)}\n`);
    process.exit(1);
  });
}
