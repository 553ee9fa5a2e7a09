// Field paths as people read them in kubectl output; one place so every rule spells them the same.
export const HEADER_FORWARD = 'spec.headerForward';
export const REMOTE_URL = 'spec.remoteUrl';

export function plaintextHeaderPath(name: string): string {
  return `${HEADER_FORWARD}.addPlaintextHeaders[${JSON.stringify(name)}]`;
}

export function secretHeaderPath(
  index: number,
  leaf?: 'headerName' | 'valueSecretRef' | 'valueSecretRef.name' | 'valueSecretRef.key',
): string {
  const base = `${HEADER_FORWARD}.addHeadersFromSecret[${index}]`;
  return leaf === undefined ? base : `${base}.${leaf}`;
}
