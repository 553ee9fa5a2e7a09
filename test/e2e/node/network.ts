import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// The real node's network, built so that no packet can leave this machine. Every cluster process runs inside a
// network namespace of its own (NODE_NETNS) whose only links are loopback, the pods' bridge and one veth to the root
// namespace; it has no default route. The root namespace gets `unreachable` routes for the pod and service ranges,
// so a stray packet to a cluster address fails here instead of going to the default gateway. Everything is checked
// with `ip route get` before any component starts, and removed by teardown (which also clears a crashed run's left-overs).

const run = promisify(execFile);

export const NODE_NETNS = 'mhf-node';
export const NODE_NETNS_PATH = `/run/netns/${NODE_NETNS}`;
export const NODE_NAME = 'mhf-node';

export const NODE_NETWORK = Object.freeze({
  /** The veth pair: root-namespace end and node-namespace end, a /30 of their own. */
  hostLink: 'mhf-h',
  nodeLink: 'mhf-n',
  hostAddress: '10.250.0.1',
  nodeAddress: '10.250.0.2',
  linkPrefix: 30,
  /** Pods: the CNI bridge inside the node namespace (created here, reused by the bridge plugin). */
  bridge: 'mhf-br0',
  bridgeAddress: '10.244.0.1',
  podCidr: '10.244.0.0/24',
  serviceCidr: '10.96.0.0/24',
  kubernetesServiceIp: '10.96.0.1',
});

/** Cluster ranges that must never be routed out of the root namespace. */
export const UNREACHABLE_IN_ROOT = ['10.244.0.0/16', '10.96.0.0/16'] as const;

/** Prefix for a command run inside the node's network namespace (only the network: mounts stay shared). */
export const IN_NODE_NETNS: readonly string[] = ['nsenter', `--net=${NODE_NETNS_PATH}`];

async function ip(args: readonly string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

async function ipQuiet(args: readonly string[]): Promise<void> {
  await run('ip', args).catch(() => undefined);
}

/** `ip route get` as one line: `local ...`, `... dev X ...`, or the error (`unreachable`, `Network is unreachable`). */
export async function routeGet(address: string, netns?: string): Promise<string> {
  const args = [...(netns ? ['-n', netns] : []), 'route', 'get', address];
  return ip(args).then(
    (out) => out.trim().split('\n')[0] ?? '',
    (error: { stderr?: string }) => `error: ${(error.stderr ?? String(error)).trim()}`,
  );
}

export interface RouteCheck {
  what: string;
  got: string;
  ok: boolean;
}

/** The kernel refuses to route it: an `unreachable` route, or no route at all. */
function isUnreachable(got: string): boolean {
  return /unreachable|No route to host/i.test(got);
}

/** Every path a packet could take, checked to stay on this machine: the tests assert all are ok before starting anything. */
export async function verifyLocal(): Promise<RouteCheck[]> {
  const n = NODE_NETWORK;
  const checks: [string, string, string | undefined, (got: string) => boolean][] = [
    ['root -> node address over the veth', n.nodeAddress, undefined, (g) => g.includes(`dev ${n.hostLink}`)],
    ['root -> pod range is unreachable', '10.244.0.10', undefined, isUnreachable],
    ['root -> service range is unreachable', n.kubernetesServiceIp, undefined, isUnreachable],
    ['node -> its own address is local', n.nodeAddress, NODE_NETNS, (g) => g.startsWith('local')],
    ['node -> root end of the veth', n.hostAddress, NODE_NETNS, (g) => g.includes(`dev ${n.nodeLink}`)],
    ['node -> pods over the bridge', '10.244.0.10', NODE_NETNS, (g) => g.includes(`dev ${n.bridge}`)],
    [
      'node -> services stay on the bridge (kube-proxy DNATs them)',
      n.kubernetesServiceIp,
      NODE_NETNS,
      (g) => g.includes(`dev ${n.bridge}`),
    ],
    ['node -> anywhere else has no route', '192.0.2.1', NODE_NETNS, isUnreachable],
  ];
  return Promise.all(
    checks.map(async ([what, address, netns, ok]) => {
      const got = await routeGet(address, netns);
      return { what: `${what} (${address})`, got, ok: ok(got) };
    }),
  );
}

/** Create the namespace, the veth, the bridge and the routes, then verify; throws (after teardown) if anything is not local. */
export async function setupNodeNetwork(log: (line: string) => void): Promise<void> {
  const n = NODE_NETWORK;
  await teardownNodeNetwork();
  await ip(['netns', 'add', NODE_NETNS]);
  try {
    await ip(['-n', NODE_NETNS, 'link', 'set', 'lo', 'up']);
    await ip(['link', 'add', n.hostLink, 'type', 'veth', 'peer', 'name', n.nodeLink, 'netns', NODE_NETNS]);
    await ip(['addr', 'add', `${n.hostAddress}/${n.linkPrefix}`, 'dev', n.hostLink]);
    await ip(['link', 'set', n.hostLink, 'up']);
    await ip(['-n', NODE_NETNS, 'addr', 'add', `${n.nodeAddress}/${n.linkPrefix}`, 'dev', n.nodeLink]);
    await ip(['-n', NODE_NETNS, 'link', 'set', n.nodeLink, 'up']);
    await ip(['-n', NODE_NETNS, 'link', 'add', n.bridge, 'type', 'bridge']);
    await ip(['-n', NODE_NETNS, 'addr', 'add', `${n.bridgeAddress}/24`, 'dev', n.bridge]);
    await ip(['-n', NODE_NETNS, 'link', 'set', n.bridge, 'up']);
    await ip(['-n', NODE_NETNS, 'route', 'add', n.serviceCidr, 'dev', n.bridge]);
    for (const range of UNREACHABLE_IN_ROOT) await ip(['route', 'add', 'unreachable', range]);
    // Per-namespace settings: routing between the bridge and local addresses, iptables for bridged Service replies.
    for (const setting of ['net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1']) {
      await run('nsenter', [`--net=${NODE_NETNS_PATH}`, 'sysctl', '-q', '-w', setting]);
    }
    const checks = await verifyLocal();
    const bad = checks.filter((c) => !c.ok);
    if (bad.length > 0)
      throw new Error(`the node network is not confined to this machine: ${bad.map((c) => `${c.what}: ${c.got}`).join('; ')}`);
    log(
      `node network ready: namespace ${NODE_NETNS}, node ${n.nodeAddress}, pods ${n.podCidr}, services ${n.serviceCidr}; ${checks.length} routes checked local`,
    );
  } catch (error) {
    await teardownNodeNetwork();
    throw error;
  }
}

/** Remove everything setupNodeNetwork made (idempotent; also after a crash): the namespace takes its links and iptables with it. */
export async function teardownNodeNetwork(): Promise<void> {
  await ipQuiet(['link', 'del', NODE_NETWORK.hostLink]);
  await ipQuiet(['netns', 'del', NODE_NETNS]);
  for (const range of UNREACHABLE_IN_ROOT) await ipQuiet(['route', 'del', 'unreachable', range]);
}

/** What is left of the node network in the root namespace (empty when clean). */
export async function leftovers(): Promise<string[]> {
  const found: string[] = [];
  if ((await ip(['netns', 'list'])).split('\n').some((line) => line.split(' ')[0] === NODE_NETNS)) found.push(`netns ${NODE_NETNS}`);
  if ((await ip(['-o', 'link', 'show'])).includes(`${NODE_NETWORK.hostLink}@`)) found.push(`link ${NODE_NETWORK.hostLink}`);
  const routes = await ip(['route', 'show', 'type', 'unreachable']);
  for (const range of UNREACHABLE_IN_ROOT) if (routes.includes(range)) found.push(`route unreachable ${range}`);
  return found;
}
