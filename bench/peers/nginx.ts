import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROXY_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, waitForPort } from '../lib/processes.js';
import type { PeerContext, RunningPeer } from './peer.js';

// nginx as a reverse proxy adding the header with keepalive to the upstream: the practical floor.

export interface NginxConfig {
  dir: string;
  listenPort: number;
  upstreamPort: number;
  header: { name: string; value: string };
}

export function renderNginxConf(c: NginxConfig): string {
  return `# written by make bench
daemon off;
master_process on;
worker_processes 1;
pid ${c.dir}/nginx.pid;
error_log ${c.dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${c.dir}/client_body;
  proxy_temp_path ${c.dir}/proxy;
  fastcgi_temp_path ${c.dir}/fastcgi;
  uwsgi_temp_path ${c.dir}/uwsgi;
  scgi_temp_path ${c.dir}/scgi;
  upstream bench_upstream {
    server 127.0.0.1:${c.upstreamPort};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${c.listenPort};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header ${c.header.name} "${c.header.value}";
    }
  }
}
`;
}

export async function startNginx(ctx: PeerContext): Promise<RunningPeer> {
  const dir = join(ctx.dir, 'nginx');
  await mkdir(dir, { recursive: true });
  const listenPort = await freeLoopbackPort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(conf, renderNginxConf({ dir, listenPort, upstreamPort: ctx.upstreamHttpPort, header: ctx.header }));
  const process = await startPinned('nginx', dir, PROXY_CPU, 'nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')]);
  await waitForPort(process, listenPort);
  return { name: 'nginx', process, http: { baseUrl: `http://127.0.0.1:${listenPort}` } };
}
