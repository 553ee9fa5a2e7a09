import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createCa } from '../../../certs/x509.js';
import { kubeconfigYaml } from '../../e2e/harness/kubeconfig.js';
import { issueClientCert } from '../../e2e/harness/pki.js';
import { X509Certificate } from 'node:crypto';

describe('harness kubeconfig and client certs', () => {
  it('writes a kubeconfig client-node loads, with the user, server and embedded credentials', async () => {
    const ca = await createCa({ commonName: 'test CA', validForMs: 60_000 });
    const client = await issueClientCert(ca, 'jane', ['developers', 'auditors']);
    const config = new KubeConfig();
    config.loadFromString(kubeconfigYaml({ server: 'https://127.0.0.1:6443', caPem: ca.certPem, user: 'jane', client }));
    expect(config.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(config.getCurrentUser()?.name).toBe('jane');
    expect(Buffer.from(config.getCurrentUser()!.certData!, 'base64').toString()).toBe(client.certPem);
  });

  it('puts the user in CN and each group in O, as the API server reads client certs', async () => {
    const ca = await createCa({ commonName: 'test CA', validForMs: 60_000 });
    const { certPem } = await issueClientCert(ca, 'system:serviceaccount:ns:sa', ['system:masters', 'a,b']);
    const subject = new X509Certificate(certPem).subject.split('\n');
    // Node prints the escaped comma; one O entry "a,b", not two groups.
    expect(subject).toEqual(['CN=system:serviceaccount:ns:sa', 'O=system:masters', 'O=a\\,b']);
  });
});
