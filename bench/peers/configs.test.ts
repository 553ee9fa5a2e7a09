import { describe, expect, it } from 'vitest';
import { loadSidecarConfig } from '../../sidecar/config.js';
import { parsePgrp, parseVmRssKb } from '../lib/rss.js';
import { renderAddon } from './mitmproxy.js';
import { renderNginxConf } from './nginx.js';
import { sidecarEnv } from './sidecar.js';
import { renderSquidConf } from './squid.js';

const header = { name: 'X-Bench-Auth', value: 'token' };

describe('peer configs add the same header and verify the upstream', () => {
  it('nginx sets the header and keeps upstream connections alive', () => {
    const conf = renderNginxConf({ dir: '/tmp/x', listenPort: 8080, upstreamPort: 9090, header });
    expect(conf).toContain('proxy_set_header X-Bench-Auth "token";');
    expect(conf).toContain('keepalive 128;');
    expect(conf).toContain('listen 127.0.0.1:8080;');
  });

  it('squid adds the header and bumps TLS while verifying the upstream against the bench CA', () => {
    const conf = renderSquidConf({
      dir: '/tmp/x',
      httpPort: 1,
      bumpPort: 2,
      bumpCaFile: '/tmp/x/ca.pem',
      upstreamCaFile: '/tmp/up.pem',
      header,
      user: 'proxy',
    });
    expect(conf).toContain('request_header_add X-Bench-Auth "token" all');
    expect(conf).toContain('tls_outgoing_options cafile=/tmp/up.pem');
    expect(conf).not.toMatch(/DONT_VERIFY|sslproxy_cert_error allow/);
  });

  it('the mitmproxy addon sets the header without overwriting one already present', () => {
    expect(renderAddon(header)).toBe('def request(flow):\n    flow.request.headers.setdefault("X-Bench-Auth", "token")\n');
  });

  it('the sidecar env is what the sidecar itself accepts: both upstreams routed with the secret header', () => {
    const config = loadSidecarConfig(
      sidecarEnv({ upstreamHttpPort: 9090, upstreamHttpsPort: 9443, upstreamCaFile: '/tmp/up.pem', header }),
    );
    expect(config.routes.map((r) => r.remoteUrl)).toEqual(['http://127.0.0.1:9090/', 'https://127.0.0.1:9443/']);
    expect(config.routes.every((r) => r.headers.some((h) => h.name === 'X-Bench-Auth' && h.value === 'token' && h.secret))).toBe(true);
  });
});

describe('/proc parsing', () => {
  it('reads VmRSS in kB', () => {
    expect(parseVmRssKb('Name:\tnginx\nVmPeak:\t  20000 kB\nVmRSS:\t   12288 kB\n')).toBe(12288);
    expect(parseVmRssKb('Name:\tkthreadd\n')).toBeUndefined();
  });

  it('reads the process group even when the command name holds spaces and parentheses', () => {
    expect(parsePgrp('4242 (squid (kid 1)) S 4200 4200 4200 0 -1')).toBe(4200);
  });
});
