import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { containerProcess, type PodObjects } from './podRuntime.js';

// The kubelet stand-in: env resolved from the given objects, mount paths mapped to host dirs, nothing else.
const pod: V1Pod = {
  metadata: { name: 'p', namespace: 'ns' },
  spec: {
    initContainers: [
      {
        name: 'proxy',
        args: ['sidecar', '--ca-dir', '/var/run/ca'],
        env: [
          { name: 'PLAIN', value: 'v' },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'ROUTES', value: '{"caBundleFile":"/etc/bundles/ca/ca.crt"}' },
        ],
        volumeMounts: [
          { name: 'ca', mountPath: '/var/run/ca' },
          { name: 'bundle', mountPath: '/etc/bundles/ca', readOnly: true },
        ],
      },
    ],
    containers: [
      {
        name: 'app',
        env: [{ name: 'SSL_CERT_DIR', value: '/etc/ssl/certs:/var/run/ca' }],
        volumeMounts: [{ name: 'ca', mountPath: '/var/run/ca', readOnly: true }],
      },
    ],
    volumes: [
      { name: 'ca', emptyDir: {} },
      { name: 'bundle', configMap: { name: 'upstream-ca' } },
    ],
  },
};
const objects: PodObjects = {
  secrets: [{ metadata: { name: 'creds', namespace: 'ns' }, data: { token: Buffer.from('s3cret').toString('base64') } }],
  configMaps: [{ metadata: { name: 'upstream-ca', namespace: 'ns' }, data: { 'ca.crt': 'PEM' } }],
};

describe('containerProcess', () => {
  it('resolves secretKeyRef env from the Secret objects', () => {
    expect(containerProcess(pod, 'proxy', objects, '/tmp/x').env).toMatchObject({ PLAIN: 'v', FROM_SECRET: 's3cret' });
  });

  it('maps every mount path in args and env to a host dir per volume, shared between containers', () => {
    const proxy = containerProcess(pod, 'proxy', objects, '/tmp/x');
    const app = containerProcess(pod, 'app', objects, '/tmp/x');
    expect(proxy.args).toEqual(['sidecar', '--ca-dir', '/tmp/x/ca']);
    expect(proxy.env.ROUTES).toBe('{"caBundleFile":"/tmp/x/bundle/ca.crt"}');
    expect(app.env.SSL_CERT_DIR).toBe('/etc/ssl/certs:/tmp/x/ca');
    expect(proxy.volumes.map((v) => [v.hostDir, v.files])).toEqual([
      ['/tmp/x/ca', {}],
      ['/tmp/x/bundle', { 'ca.crt': 'PEM' }],
    ]);
  });

  it('names the env var and the missing Secret key when it cannot resolve one', () => {
    const without: PodObjects = { ...objects, secrets: [] };
    expect(() => containerProcess(pod, 'proxy', without, '/tmp/x')).toThrow(
      'spec.initContainers[0].env[1].valueFrom.secretKeyRef: Secret "ns/creds" key "token" not found among the test Secrets',
    );
  });

  it('refuses a container the pod does not have', () => {
    expect(() => containerProcess(pod, 'vmcp', objects, '/tmp/x')).toThrow('pod "p" has no container or initContainer named "vmcp"');
  });
});
