import { describe, expect, it } from 'vitest';
import { privateTargetReason } from './privateTargets.js';

const hostOf = (url: string) => new URL(url).hostname;

describe('privateTargetReason', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data', /link-local.*metadata/],
    ['http://127.0.0.1:8080/mcp', /loopback/],
    ['http://127.8.9.10/', /loopback/],
    ['http://2130706433/', /loopback/], // decimal 127.0.0.1, normalised by the URL parser
    ['http://0x7f.1/', /loopback/],
    ['http://0.0.0.0:80/', /unspecified/],
    ['http://10.1.2.3/', /10\.0\.0\.0\/8/],
    ['http://172.16.0.1/', /172\.16\.0\.0\/12/],
    ['http://172.31.255.255/', /172\.16\.0\.0\/12/],
    ['http://192.168.1.1/', /192\.168/],
    ['http://100.64.0.1/', /carrier-grade/],
    ['http://[::1]/', /loopback \(::1\)/],
    ['http://[::]/', /unspecified/],
    ['http://[fe80::1]/', /fe80::\/10/],
    ['http://[febf::1]/', /fe80::\/10/],
    ['http://[fc00::1]/', /fc00::\/7/],
    ['http://[fd12:3456::1]/', /fc00::\/7/],
    ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://[::ffff:169.254.169.254]/', /link-local/],
    ['http://[::ffff:10.0.0.1]/', /10\.0\.0\.0/],
    ['http://localhost:3000/', /local name/],
    ['http://LOCALHOST./', /local name/],
    ['http://mcp.localhost/', /\.localhost/],
    ['http://metadata.google.internal/', /local name/],
  ])('%s is private', (url, reason) => {
    expect(privateTargetReason(hostOf(url))).toMatch(reason);
  });

  it.each([
    'https://api.example.com/',
    'https://8.8.8.8/',
    'https://172.32.0.1/',
    'https://172.15.255.255/',
    'https://192.169.0.1/',
    'https://169.255.0.1/',
    'https://[2001:db8::1]/',
    'https://[::ffff:8.8.8.8]/',
    'https://localhost.example.com/',
    'https://mcp.team-a.svc.cluster.local/', // no DNS at admission: names are not resolved
  ])('%s is not', (url) => {
    expect(privateTargetReason(hostOf(url))).toBeUndefined();
  });
});
