import { describe, expect, it } from 'vitest';
import { missingForNode, nodeUnavailableReason } from '../../e2e/node/requirements.js';
import { registryNpmrc } from '../../e2e/node/images.js';

describe('real-node requirements', () => {
  it('name root and every missing command, and say how to get them, in one line', () => {
    const missing = missingForNode({ PATH: '/nonexistent' }, 1000);
    expect(missing[0]).toBe('root (network namespaces, cgroups, mounts)');
    expect(missing).toEqual(expect.arrayContaining(['containerd', 'ctr', 'buildah', 'nsenter']));
    const reason = nodeUnavailableReason({ PATH: '/nonexistent' });
    expect(reason).toMatch(
      /^real-node suite skipped: this machine lacks .*; as root: apt-get install containerd runc containernetworking-plugins iptables conntrack buildah/,
    );
    expect(reason).not.toContain('\n');
  });
});

describe('registryNpmrc (how the image build reaches the npm registry)', () => {
  it('keeps registry, CA and proxy lines and drops everything else, credentials included', () => {
    const global = 'cafile=/etc/ssl/certs/ca.crt\nfund=false\n';
    const user =
      '//registry.example/:_authToken=SECRET\nregistry=https://registry.example/\n@corp:registry=https://corp.example/\nstrict-ssl=true\nhttps-proxy=http://proxy:3128\n';
    expect(registryNpmrc([global, user])).toBe(
      'cafile=/etc/ssl/certs/ca.crt\nregistry=https://registry.example/\n@corp:registry=https://corp.example/\nstrict-ssl=true\nhttps-proxy=http://proxy:3128\n',
    );
  });
});
