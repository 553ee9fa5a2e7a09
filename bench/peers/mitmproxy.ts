import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROXY_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, waitForPort } from '../lib/processes.js';
import type { PeerContext, RunningPeer } from './peer.js';

// mitmdump as a regular forward proxy with the one-line addon that adds the header; it intercepts https with
// its own CA (written to its confdir) and verifies the upstream against the bench CA.

export function renderAddon(header: { name: string; value: string }): string {
  return `def request(flow):\n    flow.request.headers.setdefault(${JSON.stringify(header.name)}, ${JSON.stringify(header.value)})\n`;
}

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await access(file).then(
        () => true,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error(`mitmproxy did not write its CA to ${file} within ${timeoutMs / 1000}s`);
}

export async function startMitmproxy(ctx: PeerContext): Promise<RunningPeer> {
  const dir = join(ctx.dir, 'mitmproxy');
  await mkdir(dir, { recursive: true });
  const addon = join(dir, 'add_header.py');
  await writeFile(addon, renderAddon(ctx.header));
  const port = await freeLoopbackPort();
  const args = [
    '--quiet',
    '--listen-host',
    '127.0.0.1',
    '--listen-port',
    String(port),
    '--set',
    `confdir=${dir}`,
    '--set',
    `ssl_verify_upstream_trusted_ca=${ctx.upstreamCaFile}`,
    '--scripts',
    addon,
  ];
  const process = await startPinned('mitmproxy', dir, PROXY_CPU, 'mitmdump', args, { ...globalThis.process.env, HOME: dir });
  await waitForPort(process, port, 30_000);
  const caFile = join(dir, 'mitmproxy-ca-cert.pem');
  await waitForFile(caFile, 10_000);
  const route = { proxy: `http://127.0.0.1:${port}` };
  return { name: 'mitmproxy', process, http: route, https: { ...route, caFile } };
}
