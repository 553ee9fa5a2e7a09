import { NODE_NAME, NODE_NETWORK } from './network.js';

// The node's component configs as text (pure): containerd, the CNI network, the kubelet and kube-proxy. Each choice
// that differs from a stock install says why; most come from ../notes on running a node on this machine kind (no
// CAP_SYS_RESOURCE, cgroup v1, nothing may leave the machine, host-wide state left as it was).

export interface NodePaths {
  /** containerd's root (images, snapshots) and state (sockets, shims). */
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  cniConfDir: string;
  cniBinDir: string;
  kubeletRoot: string;
  pkiDir: string;
  kubeletKubeconfig: string;
  kubeProxyKubeconfig: string;
  /** There is no cluster DNS, and pods must not inherit this machine's resolvers: one that answers nothing. */
  resolvConf: string;
  podLogs: string;
  /** host-local IPAM's allocations (default /var/lib/cni/networks): ours, removed at teardown. */
  ipamDataDir: string;
}

export const PAUSE_IMAGE = 'mhf.local/pause:e2e';
/** kubelet's cgroup root of its own (cgroupfs driver), under every v1 hierarchy: removed whole at teardown. */
export const KUBELET_CGROUP_ROOT = '/mhf-kubelet';

export function containerdConfig(paths: NodePaths): string {
  return `version = 2
root = ${JSON.stringify(paths.containerdRoot)}
state = ${JSON.stringify(paths.containerdState)}
# Nothing here but the CRI: no tracing exporters, no other snapshotters.
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(paths.containerdSocket)}

[ttrpc]
  address = ${JSON.stringify(`${paths.containerdSocket}.ttrpc`)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(PAUSE_IMAGE)}
  # root here lacks CAP_SYS_RESOURCE: oom_score_adj may not go below the parent's.
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${JSON.stringify(paths.cniBinDir)}
    conf_dir = ${JSON.stringify(paths.cniConfDir)}
    max_conf_num = 1
`;
}

/** The pod network: our pre-made bridge, host-local addresses from the node's pod range, no masquerade (nothing leaves). */
export function cniConfig(paths: Pick<NodePaths, 'ipamDataDir'>): string {
  const n = NODE_NETWORK;
  return `${JSON.stringify(
    {
      cniVersion: '0.4.0',
      name: 'mhf-pods',
      plugins: [
        {
          type: 'bridge',
          bridge: n.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            dataDir: paths.ipamDataDir,
            ranges: [[{ subnet: n.podCidr, gateway: n.bridgeAddress }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export function kubeletConfig(paths: NodePaths): string {
  return `${JSON.stringify(
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      address: NODE_NETWORK.nodeAddress,
      port: 10250,
      readOnlyPort: 0,
      healthzBindAddress: '127.0.0.1',
      healthzPort: 10248,
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: true },
        x509: { clientCAFile: `${paths.pkiDir}/client-ca.crt` },
      },
      authorization: { mode: 'Webhook' },
      tlsCertFile: `${paths.pkiDir}/kubelet.crt`,
      tlsPrivateKeyFile: `${paths.pkiDir}/kubelet.key`,
      containerRuntimeEndpoint: `unix://${paths.containerdSocket}`,
      // cgroup v1 hosts: kubelet >= 1.35 refuses them unless told; cgroupfs and a root of our own.
      failCgroupV1: false,
      cgroupDriver: 'cgroupfs',
      cgroupRoot: KUBELET_CGROUP_ROOT,
      cgroupsPerQOS: true,
      enforceNodeAllocatable: ['pods'],
      // Its own oom_score_adj cannot go below 0 without CAP_SYS_RESOURCE.
      oomScoreAdj: 0,
      failSwapOn: false,
      resolvConf: paths.resolvConf,
      clusterDomain: 'cluster.local',
      podLogsDir: paths.podLogs,
      // A test machine's disk is shared: evict only when it is really full, never garbage-collect our images.
      evictionHard: { 'memory.available': '50Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      serializeImagePulls: false,
      syncFrequency: '5s',
      nodeStatusUpdateFrequency: '2s',
      maxPods: 40,
      shutdownGracePeriod: '0s',
      protectKernelDefaults: false,
    },
    null,
    2,
  )}\n`;
}

export function kubeletArgs(paths: NodePaths, configFile: string): string[] {
  return [
    `--config=${configFile}`,
    `--kubeconfig=${paths.kubeletKubeconfig}`,
    `--hostname-override=${NODE_NAME}`,
    `--node-ip=${NODE_NETWORK.nodeAddress}`,
    `--root-dir=${paths.kubeletRoot}`,
    `--cert-dir=${paths.pkiDir}/kubelet-certs`,
    '--v=1',
  ];
}

export function kubeProxyConfig(paths: NodePaths): string {
  return `${JSON.stringify(
    {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: paths.kubeProxyKubeconfig },
      mode: 'iptables',
      hostnameOverride: NODE_NAME,
      clusterCIDR: NODE_NETWORK.podCidr,
      bindAddress: NODE_NETWORK.nodeAddress,
      healthzBindAddress: '127.0.0.1:10256',
      metricsBindAddress: '127.0.0.1:10249',
      // Zeros leave the host's conntrack sysctls alone (they are not per namespace).
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
      iptables: { localhostNodePorts: false, masqueradeAll: false },
    },
    null,
    2,
  )}\n`;
}
