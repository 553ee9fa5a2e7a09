import { describe, expect, it } from 'vitest';
import { apiServerCheck, kubernetesVersionCheck } from './apiServer.js';

const server = 'https://127.0.0.1:6443';

describe('apiServerCheck', () => {
  it('passes with the address, context, version and user', () => {
    expect(apiServerCheck({ server, context: 'dev', reach: { version: 'v1.36.3', user: 'alice' } })).toEqual({
      id: 'api-server',
      title: 'API server reachable',
      status: 'pass',
      detail: 'https://127.0.0.1:6443 (context dev) answers: Kubernetes v1.36.3, as alice',
    });
  });

  it('fails when no kubeconfig loads, and says how to give one', () => {
    const result = apiServerCheck({
      server: undefined,
      context: undefined,
      configError: 'cannot load --kubeconfig /nope: ENOENT',
      reach: { problem: { cause: 'other', message: 'x' } },
    });
    expect(result).toMatchObject({ status: 'fail', detail: 'cannot load --kubeconfig /nope: ENOENT' });
    expect(result.fix).toContain('pass --kubeconfig PATH, set KUBECONFIG');
  });

  it.each([
    ['refused', 'is the cluster running?'],
    ['dns', "check the server's host name"],
    ['timeout', '--request-timeout'],
    ['tls', 'certificate-authority-data does not match'],
    ['unauthorized', 'log in again'],
    ['forbidden', 'system:public-info-viewer'],
    ['http', '/readyz'],
  ] as const)('fails on %s, naming the address and the fix', (cause, fix) => {
    const result = apiServerCheck({ server, context: undefined, reach: { problem: { cause, message: 'what happened' } } });
    expect(result).toMatchObject({ status: 'fail', detail: `${server}: what happened` });
    expect(result.fix).toContain(fix);
  });
});

describe('kubernetesVersionCheck', () => {
  it('passes from v1.29 on, vendor suffixes included', () => {
    expect(kubernetesVersionCheck('v1.36.3')).toMatchObject({ status: 'pass', detail: 'v1.36.3 (>= v1.28.0; tested with v1.36.3)' });
    expect(kubernetesVersionCheck('v1.29.4-eks-49a6c0').status).toBe('pass');
  });

  it('warns on 1.28: no native sidecars, use --sidecar-mode=container', () => {
    expect(kubernetesVersionCheck('v1.28.9+k3s1')).toMatchObject({
      status: 'warn',
      fix: 'run the webhook with --sidecar-mode=container, or upgrade the cluster',
    });
  });

  it('fails below 1.28, saying why', () => {
    const result = kubernetesVersionCheck('v1.27.16');
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.detail).toContain('matchConditions are off there (alpha in 1.27, on from 1.28)');
    expect(result.fix).toContain('upgrade the cluster to Kubernetes >= v1.28.0');
  });

  it('warns when the version cannot be read', () => {
    expect(kubernetesVersionCheck('devel')).toMatchObject({ status: 'warn', fix: 'check the version with kubectl version' });
  });
});
