import type { ServingBundle } from './serving.js';
import { base64 } from './serving.js';

// The kubernetes.io/tls Secret the webhook Deployment mounts: the same keys cert-manager writes, so both overlays
// give the webhook identical files (tls.crt, tls.key, ca.crt).

export const TLS_CERT_KEY = 'tls.crt';
export const TLS_KEY_KEY = 'tls.key';
export const CA_CERT_KEY = 'ca.crt';
/** The Secret manifests/base/deployment.yaml mounts (both overlays write it). */
export const DEFAULT_TLS_SECRET_NAME = 'mcp-header-forward-tls';

export interface TlsSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  type: 'kubernetes.io/tls';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  data: Record<string, string>;
}

export function tlsSecret(name: string, namespace: string, bundle: ServingBundle): TlsSecret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/name': 'mcp-header-forward', 'app.kubernetes.io/component': 'webhook-tls' },
    },
    data: {
      [CA_CERT_KEY]: base64(bundle.caPem),
      [TLS_CERT_KEY]: base64(bundle.certPem),
      [TLS_KEY_KEY]: base64(bundle.keyPem),
    },
  };
}

/** The PEMs stored in an existing Secret's data (base64), any of them possibly absent. */
export function pemsFromSecretData(data: Record<string, string> | undefined): {
  caPem?: string;
  certPem?: string;
  keyPem?: string;
} {
  const decode = (key: string): string | undefined =>
    data?.[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
  return { caPem: decode(CA_CERT_KEY), certPem: decode(TLS_CERT_KEY), keyPem: decode(TLS_KEY_KEY) };
}
