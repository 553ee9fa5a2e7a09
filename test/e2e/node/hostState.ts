import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KUBELET_CGROUP_ROOT } from './configs.js';

// Host-wide state the node touches, saved before and restored after: the sysctls the kubelet sets for itself (they
// are not per network namespace) and the cgroups under its cgroup root, in every v1 hierarchy (or the v2 tree).

/** What the kubelet writes at start (pkg/kubelet/cm: setupKernelTunables) that a test machine must get back. */
export const KUBELET_SYSCTLS = [
  'vm.overcommit_memory',
  'vm.panic_on_oom',
  'kernel.panic',
  'kernel.panic_on_oops',
  'kernel.keys.root_maxkeys',
  'kernel.keys.root_maxbytes',
] as const;

const procPath = (name: string): string => join('/proc/sys', ...name.split('.'));

export async function saveSysctls(): Promise<Map<string, string>> {
  const saved = new Map<string, string>();
  for (const name of KUBELET_SYSCTLS) {
    const value = await readFile(procPath(name), 'utf8').catch(() => undefined);
    if (value !== undefined) saved.set(name, value.trim());
  }
  return saved;
}

/** Writes back every saved value that changed; returns the names it restored. */
export async function restoreSysctls(saved: ReadonlyMap<string, string>): Promise<string[]> {
  const restored: string[] = [];
  for (const [name, value] of saved) {
    const now = (await readFile(procPath(name), 'utf8').catch(() => value)).trim();
    if (now === value) continue;
    await writeFile(procPath(name), value);
    restored.push(`${name}=${value} (was ${now})`);
  }
  return restored;
}

const CGROUP = '/sys/fs/cgroup';

/** The hierarchies to create the kubelet's root in: each v1 controller mount, or the unified v2 root. */
async function hierarchies(): Promise<string[]> {
  if (existsSync(join(CGROUP, 'cgroup.controllers'))) return [CGROUP];
  const entries = await readdir(CGROUP, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && e.name !== 'unified').map((e) => join(CGROUP, e.name));
}

/** Create the kubelet's cgroup root everywhere it looks for it (cpuset needs its cpus and mems filled in first). */
export async function createKubeletCgroupRoot(): Promise<void> {
  for (const hierarchy of await hierarchies()) {
    const dir = join(hierarchy, KUBELET_CGROUP_ROOT);
    await mkdir(dir, { recursive: true });
    for (const file of ['cpuset.cpus', 'cpuset.mems']) {
      if (existsSync(join(hierarchy, file)) && (await readFile(join(dir, file), 'utf8')).trim() === '')
        await copyFile(join(hierarchy, file), join(dir, file));
    }
  }
}

async function removeTree(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const left: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }))
    if (entry.isDirectory()) left.push(...(await removeTree(join(dir, entry.name))));
  await rmdir(dir).catch((error: NodeJS.ErrnoException) => left.push(`${dir} (${error.code})`));
  return left;
}

/** Remove the kubelet's cgroups bottom-up; returns those that could not go (a process still in them). */
export async function removeKubeletCgroups(): Promise<string[]> {
  const left: string[] = [];
  for (const hierarchy of await hierarchies()) left.push(...(await removeTree(join(hierarchy, KUBELET_CGROUP_ROOT))));
  return left;
}

/** Whether any of the kubelet's cgroups exist (a clean machine has none). */
export async function kubeletCgroupsPresent(): Promise<boolean> {
  return (await hierarchies()).some((h) => existsSync(join(h, KUBELET_CGROUP_ROOT)));
}
