import type { LoadSummary } from '../report/model.js';

// wrk as the independent client: the Lua script it runs and the parsing of what it prints. Pure.

/** The line our done() hook prints; wrk's own text report above it is left alone. */
export const WRK_RESULT_PREFIX = 'wrk-result ';

export interface WrkTarget {
  /** What wrk connects to: the upstream, the reverse proxy, or the forward proxy. */
  connectUrl: string;
  /**
   * For a forward proxy: the absolute-form request target (`GET http://host:port/path HTTP/1.1`) and its Host
   * header, what an HTTP_PROXY client such as Go's Transport sends. wrk by itself sends only origin-form.
   */
  absoluteUrl?: string;
}

const luaString = (s: string): string => JSON.stringify(s);

/** The script for `wrk -s`: the request target for a forward proxy, and a done() hook printing one JSON line. */
export function wrkScript(target: WrkTarget): string {
  const lines: string[] = ['-- written by make bench'];
  if (target.absoluteUrl) {
    const url = new URL(target.absoluteUrl);
    // Set before wrk.init builds its one static request, so every request carries them without a per-request hook.
    lines.push(`wrk.path = ${luaString(url.href)}`, `wrk.headers["Host"] = ${luaString(url.host)}`);
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    `  io.write(string.format('${WRK_RESULT_PREFIX}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50us":%d,"p90us":%d,"p99us":%d,"maxUs":%d,"meanUs":%.1f}\\n',`,
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,',
    '    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))',
    'end',
    '',
  );
  return lines.join('\n');
}

interface WrkDone {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50us: number;
  p90us: number;
  p99us: number;
  maxUs: number;
  meanUs: number;
}

function describeErrors(d: WrkDone): string | undefined {
  const parts = (['connect', 'read', 'write', 'timeout'] as const).filter((k) => d[k] > 0).map((k) => `${d[k]} ${k} errors`);
  if (d.status > 0) parts.push(`${d.status} responses not 2xx/3xx`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** wrk's stdout to the Go client's summary shape; throws when the done() line is missing or malformed. */
export function parseWrkOutput(stdout: string): LoadSummary {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(WRK_RESULT_PREFIX));
  if (!line) throw new Error(`wrk printed no result line: ${stdout.slice(0, 500)}`);
  const d = JSON.parse(line.slice(WRK_RESULT_PREFIX.length)) as WrkDone;
  if (!Number.isFinite(d.requests) || !Number.isFinite(d.p50us)) throw new Error(`wrk result line is incomplete: ${line}`);
  const seconds = d.durationUs / 1e6;
  // wrk counts a non-2xx/3xx response in `requests` too; like the Go client, only good responses count.
  const errors = d.connect + d.read + d.write + d.timeout + d.status;
  const good = Math.max(0, d.requests - d.status);
  const summary: LoadSummary = {
    requests: good,
    errors,
    seconds,
    rps: seconds > 0 ? good / seconds : 0,
    p50us: d.p50us,
    p90us: d.p90us,
    p99us: d.p99us,
    maxUs: d.maxUs,
    meanUs: d.meanUs,
  };
  const firstError = describeErrors(d);
  if (firstError) summary.firstError = firstError;
  return summary;
}
