import type { MCPServerEntry } from '../../contract/toolhive.js';
import { plaintextHeaderPath, secretHeaderPath } from './paths.js';

/** Every configured header of an entry in document order: plaintext first, then from Secrets. */
export interface ConfiguredHeader {
  kind: 'plaintext' | 'secret';
  name: string;
  /** Field path of the header name. */
  field: string;
  /** Stable identity across updates (no array index). */
  subject: string;
  /** Index in addHeadersFromSecret (secret headers only). */
  index?: number;
}

export function configuredHeaders(entry: MCPServerEntry): ConfiguredHeader[] {
  const forward = entry.spec.headerForward;
  const plaintext = Object.keys(forward?.addPlaintextHeaders ?? {}).map((name) => ({
    kind: 'plaintext' as const,
    name,
    field: plaintextHeaderPath(name),
    subject: `plaintext-header:${name}`,
  }));
  const secret = (forward?.addHeadersFromSecret ?? []).map((header, index) => ({
    kind: 'secret' as const,
    name: header.headerName,
    field: secretHeaderPath(index, 'headerName'),
    subject: `secret-header:${header.headerName}`,
    index,
  }));
  return [...plaintext, ...secret];
}
