import type { V1Secret } from '@kubernetes/client-node';
import { CA_CERT_KEY, TLS_CERT_KEY } from '../../../certs/tlsSecret.js';
import type { ServingSecretFacts } from '../types.js';

// The serving Secret, reduced the moment it arrives to the two public keys check needs. The private key
// (tls.key) is never copied, decoded or kept: it cannot reach the output, a log or an error message.

function decoded(data: Record<string, string> | undefined, key: string): string | undefined {
  const value = data?.[key];
  return value === undefined || value === '' ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

export function servingPemsFromSecret(secret: V1Secret): ServingSecretFacts {
  return { certPem: decoded(secret.data, TLS_CERT_KEY), caPem: decoded(secret.data, CA_CERT_KEY) };
}
