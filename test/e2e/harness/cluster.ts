import { KubeConfig } from '@kubernetes/client-node';
import type { Issuer } from '../../../certs/x509.js';
import type { ControlPlaneInfo } from './controlPlane.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { issueClientCert, loadClientCa } from './pki.js';

/** What a test file needs from the shared control plane: admin access and clients for restricted users. */
export interface Cluster {
  info: ControlPlaneInfo;
  admin: KubeConfig;
  /** A KubeConfig authenticating as `user` in `groups` (client cert from the cluster's client CA); RBAC applies. */
  userKubeConfig(user: string, groups?: string[]): Promise<KubeConfig>;
  /** The same identity as a kubeconfig YAML document (for kubectl or a process's --kubeconfig). */
  userKubeconfigYaml(user: string, groups?: string[]): Promise<string>;
}

export function connect(info: ControlPlaneInfo): Cluster {
  const admin = new KubeConfig();
  admin.loadFromFile(info.kubeconfigPath);
  let clientCa: Promise<Issuer> | undefined;
  const userKubeconfigYaml = async (user: string, groups: string[] = []): Promise<string> => {
    clientCa ??= loadClientCa(info.clientCaPem, info.clientCaKeyPem);
    const client = await issueClientCert(await clientCa, user, groups);
    return kubeconfigYaml({ server: info.server, caPem: info.serverCaPem, user, client });
  };
  return {
    info,
    admin,
    userKubeconfigYaml,
    async userKubeConfig(user, groups = []): Promise<KubeConfig> {
      const config = new KubeConfig();
      config.loadFromString(await userKubeconfigYaml(user, groups));
      return config;
    },
  };
}
