import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Can this machine run the real node? Root, containerd/runc/CNI/iptables/buildah from Debian, overlayfs. When not,
// the real-node suite is skipped with one line naming what is missing and how to get it (never silently).

export const NODE_PACKAGES = ['containerd', 'runc', 'containernetworking-plugins', 'iptables', 'conntrack', 'buildah'] as const;
export const INSTALL_HINT = `as root: apt-get install ${NODE_PACKAGES.join(' ')} (or bash .ci/install-node-packages.sh)`;

const COMMANDS = ['containerd', 'containerd-shim-runc-v2', 'runc', 'ctr', 'nsenter', 'ip', 'iptables', 'buildah', 'ldd'] as const;
export const CNI_BIN_DIR = '/usr/lib/cni';
const CNI_PLUGINS = ['bridge', 'host-local', 'loopback', 'portmap'] as const;

function onPath(command: string, path: string): boolean {
  return path.split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** What is missing for the real node; empty when it can run here. */
export function missingForNode(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? -1): string[] {
  if (process.platform !== 'linux') return [`Linux (this is ${process.platform})`];
  const missing: string[] = [];
  if (uid !== 0) missing.push('root (network namespaces, cgroups, mounts)');
  const path = `${env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/sbin`;
  for (const command of COMMANDS) if (!onPath(command, path)) missing.push(command);
  for (const plugin of CNI_PLUGINS) if (!existsSync(join(CNI_BIN_DIR, plugin))) missing.push(`CNI plugin ${join(CNI_BIN_DIR, plugin)}`);
  if (!readFileSync('/proc/filesystems', 'utf8').includes('overlay')) missing.push('overlayfs in the kernel');
  return missing;
}

/** One line for the log when the suite cannot run, or undefined when it can. */
export function nodeUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing = missingForNode(env);
  return missing.length === 0 ? undefined : `real-node suite skipped: this machine lacks ${missing.join(', ')}; ${INSTALL_HINT}`;
}
