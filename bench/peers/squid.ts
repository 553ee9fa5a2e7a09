import { execFile } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createCa, exportIssuerKey } from '../../certs/x509.js';
import { PROXY_CPU } from '../lib/pinning.js';
import { freeLoopbackPort, startPinned, waitForPort } from '../lib/processes.js';
import type { PeerContext, RunningPeer } from './peer.js';

// squid (ToolHive's own egress proxy) with request_header_add; a second port does ssl-bump with a CA minted
// by certs/x509.ts, verifying the upstream against the bench CA.

const run = promisify(execFile);
const CERTGEN = '/usr/lib/squid/security_file_certgen';
const HOUR = 3_600_000;

export interface SquidConfig {
  dir: string;
  httpPort: number;
  bumpPort: number;
  bumpCaFile: string;
  upstreamCaFile: string;
  header: { name: string; value: string };
  user: string;
}

export function renderSquidConf(c: SquidConfig): string {
  return `# written by make bench
http_port 127.0.0.1:${c.httpPort}
http_port 127.0.0.1:${c.bumpPort} ssl-bump tls-cert=${c.bumpCaFile} generate-host-certificates=on dynamic_cert_mem_cache_size=4MB
sslcrtd_program ${CERTGEN} -s ${c.dir}/ssl_db -M 4MB
sslcrtd_children 2 startup=1 idle=1
acl step1 at_step SslBump1
acl step2 at_step SslBump2
ssl_bump peek step1
ssl_bump stare step2
ssl_bump bump all
tls_outgoing_options cafile=${c.upstreamCaFile}
acl bench_client src 127.0.0.1/32
http_access allow bench_client
http_access deny all
request_header_add ${c.header.name} "${c.header.value}" all
cache deny all
cache_mem 8 MB
access_log none
cache_store_log none
cache_log ${c.dir}/cache.log
pid_filename ${c.dir}/squid.pid
coredump_dir ${c.dir}
netdb_filename none
shutdown_lifetime 1 seconds
cache_effective_user ${c.user}
workers 1
`;
}

// squid refuses to stay root: as root we give its private dir to the Debian `proxy` user it switches to.
async function squidOwner(): Promise<{ user: string; uid?: number; gid?: number }> {
  const me = userInfo();
  if (me.uid !== 0) return { user: me.username };
  const [uid, gid] = await Promise.all([run('id', ['-u', 'proxy']), run('id', ['-g', 'proxy'])]);
  return { user: 'proxy', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startSquid(ctx: PeerContext): Promise<RunningPeer> {
  const dir = join(ctx.dir, 'squid');
  await mkdir(dir, { recursive: true });
  await chmod(ctx.dir, 0o755);
  const ca = await createCa({ commonName: 'mcp-header-forward bench squid ssl-bump CA', validForMs: 24 * HOUR });
  const caFile = join(dir, 'bump-ca.pem');
  await writeFile(caFile, `${ca.certPem.trim()}\n`);
  const bumpCaFile = join(dir, 'bump-ca-with-key.pem');
  // certPem has no trailing newline: join explicitly or the PEM blocks run together.
  await writeFile(bumpCaFile, `${ca.certPem.trim()}\n${(await exportIssuerKey(ca)).trim()}\n`, { mode: 0o600 });
  await run(CERTGEN, ['-c', '-s', join(dir, 'ssl_db'), '-M', '4MB']);
  const [httpPort, bumpPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const conf = join(dir, 'squid.conf');
  const owner = await squidOwner();
  await writeFile(
    conf,
    renderSquidConf({ dir, httpPort, bumpPort, bumpCaFile, upstreamCaFile: ctx.upstreamCaFile, header: ctx.header, user: owner.user }),
  );
  if (owner.uid !== undefined) await run('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
  const process = await startPinned('squid', dir, PROXY_CPU, 'squid', ['-N', '-f', conf]);
  await waitForPort(process, httpPort, 30_000);
  await waitForPort(process, bumpPort, 10_000);
  return {
    name: 'squid',
    process,
    http: { proxy: `http://127.0.0.1:${httpPort}` },
    https: { proxy: `http://127.0.0.1:${bumpPort}`, caFile },
  };
}
