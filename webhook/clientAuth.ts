import type { TLSSocket } from 'node:tls';

// Only the API server should send AdmissionReviews: their userInfo is trusted (it decides whose Secrets may be
// looked up). With a client CA, the webhook asks every connection for a certificate and answers admission paths
// only for one that CA signed (and, when names are given, whose CN is one of them). Health endpoints stay open for
// the kubelet's probes, which present no certificate. The API server presents one when its admission
// configuration names a kubeconfig for the webhook (docs/install.md: "Authenticating the API server").

export interface ClientAuth {
  /** PEM CA bundle the client certificate must chain to (--client-ca-file). */
  caPem: string;
  /** Accepted certificate common names; empty: any certificate the CA signed. */
  names: readonly string[];
}

/** Why this connection may not post AdmissionReviews, or undefined when it may. */
export function refusedClient(socket: TLSSocket, auth: ClientAuth): string | undefined {
  if (!socket.authorized) {
    const presented = Object.keys(socket.getPeerCertificate?.() ?? {}).length > 0;
    return presented
      ? `client certificate not signed by --client-ca-file (${socket.authorizationError ?? 'unverified'})`
      : 'no client certificate: admission paths answer only the API server (--client-ca-file)';
  }
  const cn = socket.getPeerCertificate().subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (auth.names.length > 0 && (name === undefined || !auth.names.includes(name))) {
    return `client certificate CN ${JSON.stringify(name ?? '')} is not one of --client-name ${auth.names.join(', ')}`;
  }
  return undefined;
}
