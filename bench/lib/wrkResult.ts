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
  /**
   * A response header that must be present (the upstream's proof that the proxy added ours). Checking it runs a Lua
   * hook per response, so only the short route check before the measured runs sets it.
   */
  expectHeader?: string;
}

const luaString = (s: string): string => JSON.stringify(s);

/** Counts, per wrk thread, responses without `header` (any case: proxies may lowercase names); done() sums them. */
function headerCheck(header: string | undefined): string[] {
  const lines = ['threads = {}', 'setup = function(thread) table.insert(threads, thread) end'];
  if (!header) return lines;
  return [
    ...lines,
    'missing = 0',
    `local wanted = ${luaString(header.toLowerCase())}`,
    'response = function(status, headers, body)',
    '  for name, _ in pairs(headers) do if string.lower(name) == wanted then return end end',
    '  missing = missing + 1',
    'end',
  ];
}

/** The script for `wrk -s`: the request target for a forward proxy, and a done() hook printing one JSON line. */
export function wrkScript(target: WrkTarget): string {
  const lines: string[] = ['-- written by make bench'];
  if (target.absoluteUrl) {
    const url = new URL(target.absoluteUrl);
    // Set before wrk.init builds its one static request, so every request carries them without a per-request hook.
    lines.push(`wrk.path = ${luaString(url.href)}`, `wrk.headers["Host"] = ${luaString(url.host)}`);
  }
  lines.push(...headerCheck(target.expectHeader));
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  local missing = 0',
    '  for _, t in ipairs(threads) do missing = missing + (t:get("missing") or 0) end',
    `  io.write(string.format('${WRK_RESULT_PREFIX}{"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"missingHeader":%d,"p50us":%d,"p90us":%d,"p99us":%d,"maxUs":%d,"meanUs":%.1f}\\n',`,
    '    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, missing,',
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
  /** Absent from scripts without a header check. */
  missingHeader?: number;
  p50us: number;
  p90us: number;
  p99us: number;
  maxUs: number;
  meanUs: number;
}

function describeErrors(d: WrkDone): string | undefined {
  const parts = (['connect', 'read', 'write', 'timeout'] as const).filter((k) => d[k] > 0).map((k) => `${d[k]} ${k} errors`);
  if (d.status > 0) parts.push(`${d.status} responses not 2xx/3xx`);
  if (d.missingHeader) parts.push(`${d.missingHeader} responses lack the header the proxy must add`);
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
  const errors = d.connect + d.read + d.write + d.timeout + d.status + (d.missingHeader ?? 0);
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
