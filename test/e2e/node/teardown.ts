import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KUBELET_CGROUP_ROOT } from './configs.js';

// Forced clean-up of what a node leaves behind when it is not stopped in order (a test failed, the runner died):
// processes in the kubelet's cgroups, containerd's shims, mounts under the node's directories, pod network
// namespaces. Each step only touches what is ours: paths under our roots, processes naming our containerd socket.

const run = promisify(execFile);

/** Pids in the kubelet's cgroup tree (every v1 hierarchy or v2): the containers, whatever their shims did. */
async function podProcesses(): Promise<number[]> {
  const pids = new Set<number>();
  const walk = async (dir: string): Promise<void> => {
    if (!existsSync(dir)) return;
    for (const pid of (await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '')).split('\n'))
      if (pid.trim() !== '') pids.add(Number(pid));
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => []))
      if (entry.isDirectory()) await walk(join(dir, entry.name));
  };
  for (const hierarchy of ['/sys/fs/cgroup/pids', '/sys/fs/cgroup/memory', '/sys/fs/cgroup'])
    await walk(join(hierarchy, KUBELET_CGROUP_ROOT));
  return [...pids];
}

/** containerd-shim processes started for our containerd (their command line names its socket). */
async function shimProcesses(containerdSocket: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('containerd-shim') && cmdline.includes(containerdSocket)) found.push(Number(entry));
  }
  return found;
}

export async function killNodeProcesses(containerdSocket: string): Promise<number> {
  const pids = [...(await podProcesses()), ...(await shimProcesses(containerdSocket))];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return pids.length;
}

/** Mount points at or under any of `roots`, deepest first (from /proc/self/mountinfo). */
export async function mountsUnder(roots: readonly string[]): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const points = info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && roots.some((root) => point === root || point.startsWith(`${root}/`)))
    .map((point) => point.replace(/\\040/g, ' '));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountUnder(roots: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const point of await mountsUnder(roots)) {
    await run('umount', [point]).catch(() => run('umount', ['-l', point]).catch(() => failed.push(point)));
  }
  return failed;
}

/** Pod network namespaces (`/run/netns/cni-*`) that appeared since `before`: containerd makes one per sandbox. */
export async function newPodNetns(before: ReadonlySet<string>): Promise<string[]> {
  const now = await readdir('/run/netns').catch(() => [] as string[]);
  return now.filter((name) => name.startsWith('cni-') && !before.has(name));
}

export async function removePodNetns(names: readonly string[]): Promise<void> {
  for (const name of names) {
    await run('umount', [join('/run/netns', name)]).catch(() => undefined);
    await rm(join('/run/netns', name), { force: true });
  }
}

export async function podNetnsNow(): Promise<Set<string>> {
  return new Set(await readdir('/run/netns').catch(() => [] as string[]));
}
