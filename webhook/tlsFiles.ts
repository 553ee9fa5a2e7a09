import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { certificateNotAfter } from '../certs/x509.js';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface TlsMaterial {
  cert: string;
  key: string;
  notAfter: Date;
}

export class TlsFilesError extends Error {
  override name = 'TlsFilesError';
}

/** Read and check a cert/key pair; the error names the file and the flag a person passed it with. */
export async function readTlsFiles(files: TlsFiles): Promise<TlsMaterial> {
  const cert = await readOrExplain(files.certFile, '--tls-cert-file');
  const key = await readOrExplain(files.keyFile, '--tls-key-file');
  try {
    // Throws on unparsable PEM or a key that does not belong to the certificate.
    createSecureContext({ cert, key });
  } catch (error: unknown) {
    throw new TlsFilesError(
      `TLS cert ${files.certFile} and key ${files.keyFile} are not a usable pair: ${reason(error)} ` +
        '(check both files are PEM and the key belongs to the certificate)',
    );
  }
  let notAfter: Date;
  try {
    notAfter = certificateNotAfter(cert);
  } catch (error: unknown) {
    throw new TlsFilesError(`--tls-cert-file ${files.certFile} holds no parsable X.509 certificate: ${reason(error)}`);
  }
  return { cert, key, notAfter };
}

async function readOrExplain(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    throw new TlsFilesError(`cannot read ${flag} ${path}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
