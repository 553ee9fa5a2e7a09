import { generateKeyPairSync } from 'node:crypto';
import { createCa, exportIssuerKey, issueLeaf, loadCa, type IssuedCert, type Issuer } from '../../../certs/x509.js';

const DAY = 24 * 60 * 60 * 1000;

/** Everything the control plane trusts: one CA for serving certs, one for client certs, the SA signing key. */
export interface ControlPlanePki {
  serverCa: Issuer;
  clientCa: Issuer;
  clientCaKeyPem: string;
  apiserverServing: IssuedCert;
  admin: IssuedCert;
  controllerManager: IssuedCert;
  /** What the API server presents to webhooks (its admission kubeconfig): lets them authenticate it. */
  admissionClient: IssuedCert;
  serviceAccountKeyPem: string;
  serviceAccountPublicKeyPem: string;
  /** Only for a real node (test/e2e/node). */
  node?: NodePki;
}

/** The node's identities: the kubelet (client and serving), kube-proxy, the scheduler, and the API server to kubelets. */
export interface NodePki {
  name: string;
  kubeletClient: IssuedCert;
  kubeletServing: IssuedCert;
  kubeProxy: IssuedCert;
  scheduler: IssuedCert;
  apiserverKubeletClient: IssuedCert;
}

export interface PkiOptions {
  /** IP SANs of the API server's serving certificate besides 127.0.0.1 and the kubernetes Service IP. */
  apiserverIps?: string[];
  nodeName?: string;
  nodeIp?: string;
}

export const ADMIN_USER = 'mcp-header-forward-e2e-admin';
export const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
/** CN of the client certificate the API server presents when it calls webhooks. */
export const ADMISSION_CLIENT_NAME = 'kube-apiserver-admission';
export const SCHEDULER_USER = 'system:kube-scheduler';
export const KUBE_PROXY_USER = 'system:kube-proxy';

export async function createControlPlanePki(options: PkiOptions = {}): Promise<ControlPlanePki> {
  const serverCa = await createCa({ commonName: 'mcp-header-forward e2e server CA', validForMs: 7 * DAY });
  const clientCa = await createCa({ commonName: 'mcp-header-forward e2e client CA', validForMs: 7 * DAY });
  const apiserverServing = await issueLeaf(serverCa, {
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'],
    ipAddresses: [...new Set(['127.0.0.1', '10.96.0.1', ...(options.apiserverIps ?? [])])],
    validForMs: 7 * DAY,
  });
  const admin = await issueClientCert(clientCa, ADMIN_USER, ['system:masters']);
  const controllerManager = await issueClientCert(clientCa, CONTROLLER_MANAGER_USER, []);
  const admissionClient = await issueClientCert(clientCa, ADMISSION_CLIENT_NAME, []);
  // Service-account tokens are JWTs signed with this key (ES256); not a certificate.
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const node =
    options.nodeName === undefined || options.nodeIp === undefined
      ? undefined
      : await createNodePki(serverCa, clientCa, options.nodeName, options.nodeIp);
  return {
    ...(node ? { node } : {}),
    serverCa,
    clientCa,
    clientCaKeyPem: await exportIssuerKey(clientCa),
    apiserverServing,
    admin,
    controllerManager,
    admissionClient,
    serviceAccountKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serviceAccountPublicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

async function createNodePki(serverCa: Issuer, clientCa: Issuer, name: string, ip: string): Promise<NodePki> {
  return {
    name,
    kubeletClient: await issueClientCert(clientCa, `system:node:${name}`, ['system:nodes']),
    kubeletServing: await issueLeaf(serverCa, { commonName: name, dnsNames: [name], ipAddresses: [ip], validForMs: 7 * DAY }),
    kubeProxy: await issueClientCert(clientCa, KUBE_PROXY_USER, []),
    scheduler: await issueClientCert(clientCa, SCHEDULER_USER, []),
    // The API server's identity towards kubelets (logs, exec, port-forward), in system:masters as kubeadm issues it.
    apiserverKubeletClient: await issueClientCert(clientCa, 'kube-apiserver-kubelet-client', ['system:masters']),
  };
}

/** A client certificate the API server maps to user `user` in `groups` (CN and O). */
export function issueClientCert(clientCa: Issuer, user: string, groups: string[]): Promise<IssuedCert> {
  return issueLeaf(clientCa, { commonName: user, organizations: groups, usage: 'client', validForMs: 7 * DAY });
}

/** Reload the client CA in another process (a test file) to mint certs for restricted users. */
export function loadClientCa(certPem: string, keyPem: string): Promise<Issuer> {
  return loadCa(certPem, keyPem);
}
