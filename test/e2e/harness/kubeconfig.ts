import { stringify } from 'yaml';
import type { IssuedCert } from '../../../certs/x509.js';

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** A kubeconfig document for one user against one API server, everything embedded (no side files). */
export function kubeconfigYaml(options: { server: string; caPem: string; user: string; client: IssuedCert; contextName?: string }): string {
  const context = options.contextName ?? 'mcp-header-forward-e2e';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) } }],
    users: [
      {
        name: options.user,
        user: { 'client-certificate-data': b64(options.client.certPem), 'client-key-data': b64(options.client.keyPem) },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: options.user } }],
    'current-context': context,
  });
}
