import { describe, expect, it } from 'vitest';
import { parseWrkOutput, wrkScript } from './wrkResult.js';

// What wrk 4.1 prints with our done() hook: its own report, then our line.
const OUTPUT = `Running 2s test @ http://127.0.0.1:40001
  1 threads and 1 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    70.12us   20.50us   1.20ms   95.00%
    Req/Sec    13.90k   500.00    14.50k    70.00%
  27800 requests in 2.00s, 5.10MB read
Requests/sec:  13900.00
Transfer/sec:      2.55MB
wrk-result {"requests":27800,"durationUs":2000000,"connect":0,"read":0,"write":0,"status":0,"timeout":0,"p50us":62,"p90us":80,"p99us":140,"maxUs":1200,"meanUs":70.1}
`;

describe('parseWrkOutput', () => {
  it('reads the done() line into the Go client summary shape', () => {
    expect(parseWrkOutput(OUTPUT)).toEqual({
      requests: 27800,
      errors: 0,
      seconds: 2,
      rps: 13900,
      p50us: 62,
      p90us: 80,
      p99us: 140,
      maxUs: 1200,
      meanUs: 70.1,
    });
  });

  it('counts non-2xx responses and socket errors as errors, and only good responses toward throughput', () => {
    const failing = OUTPUT.replace('"read":0', '"read":3').replace('"status":0', '"status":800');
    const summary = parseWrkOutput(failing);
    expect(summary.errors).toBe(803);
    expect(summary.requests).toBe(27000);
    expect(summary.rps).toBe(13500);
    expect(summary.firstError).toBe('3 read errors, 800 responses not 2xx/3xx');
  });

  it('counts responses that lacked the header the proxy must add as errors', () => {
    const summary = parseWrkOutput(OUTPUT.replace('"timeout":0', '"timeout":0,"missingHeader":27800'));
    expect(summary.errors).toBe(27800);
    expect(summary.firstError).toBe('27800 responses lack the header the proxy must add');
  });

  it('fails loudly when wrk printed no result line (script error, connection refused)', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused\n')).toThrow(/no result line/);
  });
});

describe('wrkScript', () => {
  it('sends absolute-form targets with the origin Host header through a forward proxy', () => {
    const script = wrkScript({ connectUrl: 'http://127.0.0.1:3128', absoluteUrl: 'http://127.0.0.1:40001/mcp' });
    expect(script).toContain('wrk.path = "http://127.0.0.1:40001/mcp"');
    expect(script).toContain('wrk.headers["Host"] = "127.0.0.1:40001"');
  });

  it('leaves the origin-form target alone for direct and reverse-proxy runs', () => {
    const script = wrkScript({ connectUrl: 'http://127.0.0.1:8080/mcp' });
    expect(script).not.toContain('wrk.path');
    expect(script).toContain('done = function');
    expect(script).not.toContain('response = function');
  });

  it('checks every response for the expected header only when asked (the hook costs per response)', () => {
    const script = wrkScript({
      connectUrl: 'http://127.0.0.1:3128',
      absoluteUrl: 'http://127.0.0.1:40001/mcp',
      expectHeader: 'X-Bench-Seen',
    });
    expect(script).toContain('local wanted = "x-bench-seen"');
    expect(script).toContain('response = function(status, headers, body)');
  });
});
