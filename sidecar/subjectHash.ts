// OpenSSL's subject-name hash (X509_NAME_hash, `openssl x509 -hash`), which names files in a hashed cert
// directory: `<hash>.0`. Go's SSL_CERT_DIR reader does not need it, but OpenSSL-based clients (curl -capath) do.
// Algorithm (crypto/x509/x_name.c x509_name_canon): every string value becomes a lowercased, whitespace-collapsed
// UTF8String; the hash is SHA-1 over the DER of the RDN SETs (no outer SEQUENCE), first 4 bytes little-endian.
import { createHash } from 'node:crypto';

interface Tlv {
  tag: number;
  start: number; // first byte of the tag
  contentStart: number;
  end: number;
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset]!;
  let length = der[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('truncated DER in certificate subject');
  return { tag, start: offset, contentStart, end };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(der, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function encode(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

const UTF8 = 0x0c;
const PRINTABLE = 0x13;
const T61 = 0x14;
const IA5 = 0x16;
const VISIBLE = 0x1a;
const UNIVERSAL = 0x1c;
const BMP = 0x1e;

function decodeString(tag: number, bytes: Buffer): string | undefined {
  switch (tag) {
    case UTF8:
      return bytes.toString('utf8');
    case PRINTABLE:
    case T61:
    case IA5:
    case VISIBLE:
      return bytes.toString('latin1');
    case BMP:
      return Buffer.from(bytes).swap16().toString('utf16le');
    case UNIVERSAL: {
      let text = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(bytes.readUInt32BE(i));
      return text;
    }
    default:
      return undefined; // not a canonicalised type: OpenSSL copies it unchanged
  }
}

const ASCII_SPACE = /[ \t\n\v\f\r]+/g;

function canonicalValue(value: string): string {
  return value
    .replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '')
    .replace(ASCII_SPACE, ' ')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function canonicalAttribute(der: Uint8Array, attribute: Tlv): Buffer {
  const [type, value] = children(der, attribute);
  if (type === undefined || value === undefined) throw new Error('malformed AttributeTypeAndValue in certificate subject');
  const oid = Buffer.from(der.subarray(type.start, type.end));
  const raw = Buffer.from(der.subarray(value.contentStart, value.end));
  const text = decodeString(value.tag, raw);
  const canonical =
    text === undefined ? Buffer.from(der.subarray(value.start, value.end)) : encode(UTF8, Buffer.from(canonicalValue(text), 'utf8'));
  return encode(0x30, Buffer.concat([oid, canonical]));
}

/** The canonical encoding OpenSSL hashes, from the DER of a Name (SEQUENCE OF RelativeDistinguishedName). */
export function canonicalNameEncoding(nameDer: Uint8Array): Buffer {
  const name = readTlv(nameDer, 0);
  const sets = children(nameDer, name).map((rdn) => {
    // SET OF in DER is sorted by encoding.
    const attributes = children(nameDer, rdn)
      .map((a) => canonicalAttribute(nameDer, a))
      .sort(Buffer.compare);
    return encode(0x31, Buffer.concat(attributes));
  });
  return Buffer.concat(sets);
}

/** `openssl x509 -hash` of a subject Name given as DER: 8 lowercase hex digits. */
export function opensslSubjectHash(nameDer: Uint8Array): string {
  const digest = createHash('sha1').update(canonicalNameEncoding(nameDer)).digest();
  return digest.readUInt32LE(0).toString(16).padStart(8, '0');
}
