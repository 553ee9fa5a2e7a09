import { describe, expect, it } from 'vitest';
import { reproducible, uuidFromDigest } from './sbom.js';

// npm sbom stamps a random serial number, the current time and the checkout folder's name: made reproducible.

const bom = (serialNumber: string, timestamp: string, folder: string) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.5',
  serialNumber,
  metadata: { timestamp, component: { name: folder, version: '0.1.0' } },
  components: [{ name: 'fastify', version: '5.12.8' }],
});

describe('reproducible', () => {
  it('gives two runs in two checkouts the same SBOM, named after the package, dated at the source date', () => {
    const first = reproducible(bom('urn:uuid:1', '2026-01-01T00:00:00Z', 'wt-helm'), 'mcp-header-forward', 86_400);
    const second = reproducible(bom('urn:uuid:2', '2026-02-02T00:00:00Z', 'clone'), 'mcp-header-forward', 86_400);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
    expect(first.metadata).toEqual({ timestamp: '1970-01-02T00:00:00.000Z', component: { name: 'mcp-header-forward', version: '0.1.0' } });
    expect(first.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives different content a different serial number', () => {
    const other = { ...bom('x', 't', 'f'), components: [{ name: 'fastify', version: '5.12.9' }] };
    expect(reproducible(other, 'p', 0).serialNumber).not.toBe(reproducible(bom('x', 't', 'f'), 'p', 0).serialNumber);
  });
});

describe('uuidFromDigest', () => {
  it('sets the version (8) and variant bits of RFC 9562', () => {
    expect(uuidFromDigest(Buffer.alloc(32, 0xff))).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
    expect(uuidFromDigest(Buffer.alloc(32, 0))).toBe('00000000-0000-8000-8000-000000000000');
  });
});
